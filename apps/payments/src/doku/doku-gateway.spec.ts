import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ChannelRegistry,
  ChannelSpec,
  compactJson,
  DANA,
  DokuSnapClient,
  prepareRequest,
  requireAmount,
  requireString,
  SnapValidationError,
} from '@app/doku-snap';
import { FakeDoku, Handler, snapReply } from '../../../../libs/doku-snap/test/support/fake-doku';
import { merchantPublicKey, testClient } from '../../../../libs/doku-snap/test/support/fixtures';
import { fakes } from '../../test/fakes';
import type { ChannelAdapter } from '../channels/channel-adapter';
import { Channels } from '../channels/channels';
import { DokuGateway } from './doku-gateway';

let fake: FakeDoku | undefined;
let client: DokuSnapClient | undefined;

afterEach(async () => {
  await client?.close();
  await fake?.close();
  client = fake = undefined;
});

/** A gateway over a real SNAP client talking to a fake DOKU on loopback. */
async function gatewayTo(onCall: Handler) {
  fake = await FakeDoku.start({ merchantPublicKey, onCall });
  client = testClient(fake.baseUrl);
  const f = fakes();
  return { gateway: new DokuGateway(client, f.externalIds as never), fake, f };
}

/**
 * A channel that exists only in this test: a bound wallet paid with a customer token, a payment
 * path of its own and a QR-like answer. Registered here, it goes through prepare, send and the
 * gateway's outcome, and its adapter reads the answer, with no other file knowing of it.
 */
interface FakePayInput {
  partnerReferenceNo: string;
  amount: { value: string; currency: string };
}
const FAKEPAY: ChannelSpec<FakePayInput, { responseCode: string; qrContent?: string }> = {
  channel: 'FAKEPAY',
  dokuChannel: 'EMONEY_FAKEPAY_SNAP',
  kind: 'ewallet_binding',
  payment: {
    name: 'fakepay_payment',
    method: 'POST',
    path: '/fake/v1/pay',
    serviceCode: '54',
    body: (input) => ({
      partnerReferenceNo: requireString('partnerReferenceNo', input.partnerReferenceNo, 1, 32),
      amount: requireAmount('amount', input.amount),
      additionalInfo: { channel: 'EMONEY_FAKEPAY_SNAP' },
    }),
    headers: (customer) => {
      if (!customer.customerToken)
        throw new SnapValidationError('Authorization-Customer', 'is required');
      return { 'Authorization-Customer': `Bearer ${customer.customerToken}` };
    },
  },
  status: DANA.status,
  statusReport: DANA.statusReport,
  notification: DANA.notification,
  limits: DANA.limits,
  paymentState: DANA.paymentState,
};
const fakePayAdapter: ChannelAdapter = {
  fields: { required: [], optional: [] },
  spec: FAKEPAY,
  paymentRequest: (order) => ({
    channelInput: { customerToken: 'ct-secret' },
    dokuInput: { partnerReferenceNo: order.partnerReferenceNo, amount: order.amount },
  }),
  customer: (input) => ({ customerToken: input.customerToken as string }),
  customerAction: (answer) => ({
    redirectUrl: null,
    referenceNo: (answer as { qrContent?: string }).qrContent ?? null,
  }),
};

describe('a channel registered only in a test', () => {
  it('flows through prepare, send and outcome', async () => {
    const registry = new ChannelRegistry([DANA]).register(FAKEPAY);
    const channels = new Channels([fakePayAdapter]);
    const { gateway, fake } = await gatewayTo(() =>
      snapReply(200, '2005400', { qrContent: '000201FAKE' }),
    );
    const adapter = channels.get(registry.get('FAKEPAY').channel);
    const { channelInput, dokuInput } = adapter.paymentRequest({
      partnerReferenceNo: 'ORDER-9',
      amount: { value: '100.00', currency: 'IDR' },
    });
    const prepared = prepareRequest(
      adapter.spec.payment,
      dokuInput,
      '4242',
      adapter.customer(channelInput),
    );
    const outcome = await gateway.call(prepared, { purpose: 'payment', subjectId: 'p9' });

    expect(outcome.kind).toBe('done');
    if (outcome.kind !== 'done') return;
    expect(adapter.customerAction(outcome.result.body, channelInput)).toEqual({
      redirectUrl: null,
      referenceNo: '000201FAKE',
    });
    const [call] = fake.calls;
    expect(call.path).toBe('/fake/v1/pay');
    expect(call.body).toBe(
      compactJson({
        partnerReferenceNo: 'ORDER-9',
        amount: { value: '100.00', currency: 'IDR' },
        additionalInfo: { channel: 'EMONEY_FAKEPAY_SNAP' },
      }),
    );
    expect(call.headers['authorization-customer']).toBe('Bearer ct-secret');
    expect(call.headers['x-external-id']).toBe('4242');
  });

  it('refuses a second spec under the same name', () => {
    expect(() => new ChannelRegistry([FAKEPAY]).register(FAKEPAY)).toThrow(/registered twice/);
  });
});

const dana = (externalId = '1000') =>
  prepareRequest(
    DANA.payment,
    {
      partnerReferenceNo: 'ORDER-1',
      amount: { value: '15000.00', currency: 'IDR' },
      returnUrl: 'https://shop.example/r',
    },
    externalId,
    { deviceId: 'device1' },
  );

describe('the gateway says what became of a call', () => {
  it('refused: a definitive SNAP rejection, sent once', async () => {
    const { gateway, fake } = await gatewayTo(() => snapReply(403, '4035402'));
    const outcome = await gateway.call(dana(), {
      purpose: 'payment',
      subjectId: 'p1',
      attempts: 3,
    });
    expect(outcome).toMatchObject({ kind: 'refused', result: { responseCode: '4035402' } });
    expect(fake.calls).toHaveLength(1);
  });

  it('unknown after its attempts: the same bytes and X-EXTERNAL-ID each time', async () => {
    const { gateway, fake } = await gatewayTo(() => snapReply(500, '5005400'));
    const outcome = await gateway.call(dana('777'), {
      purpose: 'payment',
      subjectId: 'p1',
      attempts: 3,
    });
    expect(outcome).toMatchObject({ kind: 'unknown', reason: '5005400 fake' });
    expect(fake.calls.map((c) => [c.headers['x-external-id'], c.body])).toEqual(
      Array.from({ length: 3 }, () => ['777', dana().body]),
    );
  });

  it('done after a resend DOKU answers with its first answer (409 replay)', async () => {
    const { gateway } = await gatewayTo((_r, i) =>
      i === 0 ? snapReply(504, '5045400') : snapReply(409, '2005400', { webRedirectUrl: 'u' }),
    );
    const outcome = await gateway.call(dana(), {
      purpose: 'payment',
      subjectId: 'p1',
      attempts: 2,
    });
    expect(outcome).toMatchObject({ kind: 'done', inProgress: false });
  });

  it('a 409 that is no replay is unknown: DOKU holds something under that key', async () => {
    const { gateway, fake } = await gatewayTo(() => snapReply(409, '4095401'));
    const outcome = await gateway.call(dana(), {
      purpose: 'payment',
      subjectId: 'p1',
      attempts: 3,
    });
    expect(outcome).toMatchObject({ kind: 'unknown' });
    expect(fake.calls).toHaveLength(1);
  });

  it('a token refused by DOKU renews the X-EXTERNAL-ID, stores it, then sends it', async () => {
    const { gateway, fake, f } = await gatewayTo((_r, i) =>
      i === 0 ? snapReply(401, '4015401') : snapReply(200, '2005400'),
    );
    const stored: string[] = [];
    const outcome = await gateway.call(dana('111'), {
      purpose: 'payment',
      subjectId: 'p1',
      storeExternalId: async (id) => {
        expect(fake.calls).toHaveLength(1);
        stored.push(id);
      },
    });
    expect(outcome.kind).toBe('done');
    expect(f.externalIds.reserve).toHaveBeenCalledWith('payment', 'p1');
    expect(stored).toEqual(['300000000000000000002']);
    expect(fake.calls.map((c) => c.headers['x-external-id'])).toEqual([
      '111',
      '300000000000000000002',
    ]);
  });

  it('unavailable, with the token error, when no token can be had: nothing is sent', async () => {
    fake = await FakeDoku.start({ merchantPublicKey, onToken: () => snapReply(401, '4017300') });
    client = testClient(fake.baseUrl);
    const gateway = new DokuGateway(client, fakes().externalIds as never);
    const outcome = await gateway.call(dana(), {
      purpose: 'payment',
      subjectId: 'p1',
      attempts: 2,
    });
    expect(outcome.kind).toBe('unavailable');
    expect(outcome.kind === 'unavailable' && outcome.token?.responseCode).toBe('4017300');
    expect(fake.calls).toHaveLength(0);
  });

  it('unavailable for 429, resent while attempts remain', async () => {
    const onCall = vi.fn(() => snapReply(429, '4295400'));
    const { gateway } = await gatewayTo(onCall);
    const outcome = await gateway.call(dana(), {
      purpose: 'payment',
      subjectId: 'p1',
      attempts: 2,
    });
    expect(outcome.kind).toBe('unavailable');
    expect(onCall).toHaveBeenCalledTimes(2);
  });
});
