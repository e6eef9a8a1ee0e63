import { afterEach, describe, expect, it } from 'vitest';
import { DokuSnapClient, PreparedRequest } from '../src/client';
import { parseSnapTimestamp } from '../src/clock';
import { OVO } from '../src/channels/ovo';
import { FakeDoku, snapReply, tokenReply } from './support/fake-doku';
import { ManualClock, merchantPublicKey, TEST_CLIENT_ID, testClient } from './support/fixtures';
import { vector, Vector } from './vectors';
import { prepareDana, prepareDanaRefund, prepareDanaStatus } from './support/dana';

let fake: FakeDoku | undefined;
let client: DokuSnapClient | undefined;

afterEach(async () => {
  await client?.close();
  await fake?.close();
  client = undefined;
  fake = undefined;
});

type Body = Record<string, unknown> & {
  amount?: { value: string; currency: string };
  refundAmount?: { value: string; currency: string };
  urlParam?: { url: string }[];
  additionalInfo?: { orderTitle?: string };
};

/** The request each vector describes, prepared through the client's own builders. */
const prepare: Record<string, (c: DokuSnapClient, b: Body) => PreparedRequest> = {
  V2: (c, b) =>
    prepareDana(c, {
      partnerReferenceNo: b.partnerReferenceNo as string,
      amount: b.amount!,
      returnUrl: b.urlParam![0].url,
      validUpTo: b.validUpTo as string,
      pointOfInitiation: 'app',
      orderTitle: b.additionalInfo!.orderTitle,
      deepLink: true,
      deviceId: 'device01',
      ipAddress: '203.0.113.10',
    }),
  V3: (c, b) =>
    prepareDanaRefund(c, {
      originalPartnerReferenceNo: b.originalPartnerReferenceNo as string,
      originalExternalId: b.originalExternalId as string,
      partnerRefundNo: b.partnerRefundNo as string,
      refundAmount: b.refundAmount!,
      reason: b.reason as string,
      deviceId: 'device01',
    }),
  V4: (c, b) =>
    prepareDanaStatus(c, {
      originalPartnerReferenceNo: b.originalPartnerReferenceNo as string,
      originalExternalId: b.originalExternalId as string,
    }),
};

const send: Record<string, (c: DokuSnapClient, p: PreparedRequest) => Promise<unknown>> = {
  V2: (c, p) => c.send(p),
  V3: (c, p) => c.send(p),
  V4: (c, p) => c.send(p),
};

describe('the client signs exactly as the vectors say', () => {
  for (const id of ['V2', 'V3', 'V4']) {
    it(`${id}: X-SIGNATURE, X-TIMESTAMP and body bytes on the wire`, async () => {
      const v: Vector = vector(id);
      fake = await FakeDoku.start({
        merchantPublicKey,
        onToken: () => tokenReply(v.inputs.accessToken!),
      });
      client = testClient(fake.baseUrl, {
        clock: new ManualClock(parseSnapTimestamp(v.inputs.xTimestamp)!),
      });
      const prepared = prepare[id](client, v.inputs.body as Body);
      expect(prepared.body).toBe(v.minified_body);
      await send[id](client, prepared);

      expect(fake.calls).toHaveLength(1);
      const [call] = fake.calls;
      expect(call.path).toBe(v.inputs.endpointUrl);
      expect(call.body).toBe(v.minified_body);
      expect(call.headers['x-timestamp']).toBe(v.inputs.xTimestamp);
      expect(call.headers['x-signature']).toBe(v.expected_signature_base64);
      expect(call.headers.authorization).toBe(`Bearer ${v.inputs.accessToken}`);
      expect(call.headers['x-partner-id']).toBe(TEST_CLIENT_ID);
      expect(call.headers['x-external-id']).toBe(prepared.externalId);
      expect(call.headers['content-type']).toBe('application/json');
      if (id === 'V4') {
        expect(call.headers['x-device-id']).toBeUndefined();
      } else {
        expect(call.headers['x-device-id']).toBe('device01');
      }
    });
  }

  it('V1: the token request carries the vector signature when the clock says so', async () => {
    const v = vector('V1');
    fake = await FakeDoku.start({ merchantPublicKey });
    client = testClient(fake.baseUrl, {
      clock: new ManualClock(parseSnapTimestamp(v.inputs.xTimestamp)!),
    });
    await client.tokens.get();
    const [request] = fake.tokenRequests;
    expect(request.headers['x-client-key']).toBe(v.inputs.clientId);
    expect(request.headers['x-timestamp']).toBe(v.inputs.xTimestamp);
    expect(request.headers['x-signature']).toBe(v.expected_signature_base64);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers['x-partner-id']).toBeUndefined();
  });
});

describe('the customer (B2B2C) token request', () => {
  it('is signed as the token request is (V1), carries the authCode, and sends no bearer', async () => {
    const v = vector('V1');
    fake = await FakeDoku.start({
      merchantPublicKey,
      onCall: () =>
        snapReply(200, '2007400', {
          accessToken: 'customer-token-1',
          accessTokenExpiryTime: '2024-05-17T14:27:50+07:00',
        }),
    });
    client = testClient(fake.baseUrl, {
      clock: new ManualClock(parseSnapTimestamp(v.inputs.xTimestamp)!),
    });
    const result = await client.requestCustomerToken('auth-code-1');
    expect(result.outcome.kind).toBe('success');
    expect(result.body?.accessToken).toBe('customer-token-1');
    const [call] = fake.calls;
    expect(call.path).toBe('/authorization/v1/access-token/b2b2c');
    expect(call.body).toBe(
      '{"grantType":"authorization_code","authCode":"auth-code-1","additionalInfo":{}}',
    );
    expect(call.headers['x-client-key']).toBe(v.inputs.clientId);
    expect(call.headers['x-signature']).toBe(v.expected_signature_base64);
    expect(call.headers.authorization).toBeUndefined();
    // No B2B token was needed for it.
    expect(fake.tokenRequests).toHaveLength(0);
  });

  it('names a 4017400 answer as the binding gone (OVO)', async () => {
    fake = await FakeDoku.start({ merchantPublicKey, onCall: () => snapReply(401, '4017400') });
    client = testClient(fake.baseUrl);
    const result = await client.requestCustomerToken('auth-code-1');
    expect(result.outcome.kind).toBe('failure');
    expect(OVO.binding!.unlinked(result.responseCode)).toBe(true);
    expect(OVO.binding!.unlinked('4015402')).toBe(false);
  });
});
