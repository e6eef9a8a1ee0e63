import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DokuSnapClient, SnapCallEvent, TokenRequestError } from '../src/client';
import { parseSnapJson } from '../src/http/snap-json';
import { DanaPaymentResponse } from './support/dana';
import { FakeDoku, FakeDokuOptions } from './support/fake-doku';
import { danaInput, merchantPublicKey, TEST_CLIENT_SECRET, testClient } from './support/fixtures';
import { testKeys } from './vectors';
import { prepareDana, prepareDanaStatus } from './support/dana';

let fake: FakeDoku | undefined;
let client: DokuSnapClient | undefined;

async function setup(options: Partial<FakeDokuOptions> = {}, timeoutMs?: number) {
  const events: SnapCallEvent[] = [];
  fake = await FakeDoku.start({ merchantPublicKey, ...options });
  client = testClient(fake.baseUrl, { timeoutMs, onCall: (e) => events.push(e) });
  return { fake, client, events };
}

afterEach(async () => {
  await client?.close();
  await fake?.close();
  client = undefined;
  fake = undefined;
});

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const REFERENCE_NO = '20231011111212800000000000000000001';

describe('client: answers that are not plain successes', () => {
  it('a transactional call that gets no answer within timeoutMs is retry_later and ambiguous', async () => {
    const { client, events } = await setup({ onCall: () => ({ status: 200, hang: true }) }, 200);
    const started = Date.now();
    const result = await client.send(prepareDana(client, danaInput));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.outcome).toEqual({ kind: 'retry_later', ambiguous: true, replay: false });
    expect(result.httpStatus).toBeUndefined();
    expect(result.error).toMatch(/no answer within 200 ms/);
    expect(events.at(-1)).toMatchObject({ operation: 'dana_payment', outcome: 'retry_later' });
  });

  it('a token request that gets no answer rejects with a retry_later outcome', async () => {
    const { client } = await setup({ onToken: () => ({ status: 200, hang: true }) }, 200);
    const error = await client.tokens.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect((error as TokenRequestError).outcome).toEqual({
      kind: 'retry_later',
      ambiguous: true,
      replay: false,
    });
  });

  it('connection refused is retry_later', async () => {
    const port = await closedPort();
    client = testClient(`http://127.0.0.1:${port}`, { timeoutMs: 2_000 });
    const error = await client.tokens.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect((error as TokenRequestError).outcome.kind).toBe('retry_later');
    expect((error as Error).message).toMatch(/network error/);
  });

  it('connection refused on a transactional call (DOKU went away after the token) is retry_later', async () => {
    const { fake, client } = await setup();
    const prepared = prepareDana(client, danaInput);
    await client.tokens.get();
    await fake.close();
    const result = await client.send(prepared);
    expect(result.outcome.kind).toBe('retry_later');
    expect(result.externalId).toBe(prepared.externalId);
  });

  it('a 2xx with an unreadable body is retry_later and ambiguous, never success', async () => {
    const { client } = await setup({
      onCall: () => ({ status: 200, body: '<html>proxy says hi</html>' }),
    });
    const result = await client.send(prepareDana(client, danaInput));
    expect(result.outcome).toEqual({ kind: 'retry_later', ambiguous: true, replay: false });
    expect(result.httpStatus).toBe(200);
    expect(result.body).toBeUndefined();
    expect(result.error).toBe('unreadable response body');
  });

  it('a 409 replay carries the original body and counts as success', async () => {
    const original = {
      responseCode: '2005400',
      responseMessage: 'Successful',
      webRedirectUrl: 'https://app-uat.doku.com/link/abc',
    };
    const { client } = await setup({ onCall: () => ({ status: 409, body: original }) });
    const result = await client.send(prepareDana(client, danaInput));
    expect(result.outcome).toEqual({ kind: 'success', ambiguous: false, replay: true });
    expect(result.httpStatus).toBe(409);
    expect(result.body?.webRedirectUrl).toBe(original.webRedirectUrl);
  });

  it('a 503 gateway page is retry_later and ambiguous', async () => {
    const { client } = await setup({
      onCall: () => ({ status: 503, body: 'Service Unavailable' }),
    });
    const result = await client.send(prepareDana(client, danaInput));
    expect(result.outcome).toEqual({ kind: 'retry_later', ambiguous: true, replay: false });
  });
});

describe('client: response bodies', () => {
  it('referenceNo sent as a JSON number comes back as the exact digits; unknown fields are kept', async () => {
    const raw =
      `{"responseCode":"2005400","responseMessage":"Successful",` +
      `"webRedirectUrl":"https://app-uat.doku.com/link/x","partnerReferenceNo":"INV-TEST-0001",` +
      `"referenceNo":${REFERENCE_NO},"newField":{"nested":[1,"two"]},"additionalInfo":{"extra":true}}`;
    const { client } = await setup({ onCall: () => ({ status: 200, body: raw }) });
    const result = await client.send(prepareDana(client, danaInput));
    expect(result.outcome.kind).toBe('success');
    expect(result.body?.referenceNo).toBe(REFERENCE_NO);
    const body = result.body as DanaPaymentResponse & Record<string, unknown>;
    expect(body.newField).toEqual({ nested: [1, 'two'] });
    expect(body.additionalInfo).toEqual({ extra: true });
  });

  it('parseSnapJson keeps reference numbers exact, whitespace or not, and leaves strings alone', () => {
    expect(parseSnapJson(`{"referenceNo" : ${REFERENCE_NO}}`)).toEqual({
      referenceNo: REFERENCE_NO,
    });
    expect(parseSnapJson(`{"originalReferenceNo":${REFERENCE_NO},"amount":1}`)).toEqual({
      originalReferenceNo: REFERENCE_NO,
      amount: 1,
    });
    expect(parseSnapJson(`{"refundNo":"${REFERENCE_NO}"}`)).toEqual({ refundNo: REFERENCE_NO });
    const message = 'see \\"referenceNo\\":123 here';
    expect(parseSnapJson(`{"responseMessage":"${message}"}`)).toEqual({
      responseMessage: 'see "referenceNo":123 here',
    });
  });

  it('an answer whose responseCode is no SNAP code (too long) is classed by its HTTP status', async () => {
    const longCode = 'UPSTREAM_GATEWAY_ERROR_'.repeat(3);
    const { client } = await setup({
      onCall: () => ({ status: 400, body: { responseCode: longCode, responseMessage: 'no' } }),
    });
    const result = await client.send(prepareDana(client, danaInput));
    expect(result.responseCode).toBeUndefined();
    expect(result.httpStatus).toBe(400);
    expect(result.outcome.kind).toBe('failure');
  });

  it('parseSnapJson drops a NUL from strings (a database refuses it) and nothing else', () => {
    // As JSON text: `\u0000` is a NUL; `\\u0000` a backslash and "u0000"; `\\\u0000` a backslash and a NUL.
    const text = String.raw`{"responseMessage":"Bad\u0000 request","a":"\\u0000","b":"\\\u0000x"}`;
    expect(parseSnapJson(text)).toEqual({
      responseMessage: 'Bad request',
      a: '\\u0000',
      b: '\\x',
    });
  });
});

describe('client: onCall events', () => {
  it('never carry the access token, the client secret, the signature or the key', async () => {
    const { fake, client, events } = await setup({
      onToken: (_r, i) => ({
        status: 200,
        body: { responseCode: '2007300', accessToken: `SECRET-TOKEN-${i}`, expiresIn: 900 },
      }),
      onCall: (_r, i) =>
        i === 0
          ? { status: 401, body: { responseCode: '4015401' } }
          : { status: 200, body: { responseCode: '2005400' } },
    });
    await client.send(prepareDana(client, danaInput));
    await client.send(prepareDanaStatus(client, { originalPartnerReferenceNo: 'INV-1' }));

    const text = JSON.stringify(events);
    expect(events.map((e) => e.operation)).toEqual([
      'b2b_token',
      'dana_payment',
      'b2b_token',
      'dana_payment',
      'check_status',
    ]);
    const signatures = [...fake.tokenRequests, ...fake.calls].map((r) =>
      String(r.headers['x-signature']),
    );
    expect(signatures).toHaveLength(5);
    for (const secret of [
      'SECRET-TOKEN-0',
      'SECRET-TOKEN-1',
      TEST_CLIENT_SECRET,
      ...signatures,
      ...testKeys.privateKeyPem.split('\n').filter((line) => line.length > 20),
    ]) {
      expect(text).not.toContain(secret);
    }
    // Still useful: who, what, which id, what came back.
    expect(events[1]).toMatchObject({
      path: '/direct-debit/core/v1/debit/payment-host-to-host',
      responseCode: '4015401',
      outcome: 'refresh_token',
    });
    expect(events[1].requestHeaders['X-EXTERNAL-ID']).toBe(events[1].externalId);
    expect(events[1].requestHeaders['X-DEVICE-ID']).toBe('device01');
  });
});
