import { afterEach, describe, expect, it } from 'vitest';
import { DokuSnapClient, TokenRequestError } from '../src/client';
import { bodyHash, hmacVerify, symmetricStringToSign } from '../src/signing/signatures';
import { parseExpiresIn, TokenManager } from '../src/token-manager';
import {
  FakeDoku,
  FakeDokuOptions,
  RecordedRequest,
  snapReply,
  tokenReply,
} from './support/fake-doku';
import {
  danaInput,
  ManualClock,
  merchantPublicKey,
  TEST_CLIENT_SECRET,
  testClient,
} from './support/fixtures';
import { prepareDana, prepareDanaRefund, prepareDanaStatus } from './support/dana';

let fake: FakeDoku | undefined;
let client: DokuSnapClient | undefined;

async function setup(options: Partial<FakeDokuOptions> = {}, clock?: ManualClock) {
  fake = await FakeDoku.start({ merchantPublicKey, ...options });
  client = testClient(fake.baseUrl, { clock });
  return { fake, client };
}

afterEach(async () => {
  await client?.close();
  await fake?.close();
  client = undefined;
  fake = undefined;
});

const bearer = (r: RecordedRequest) => String(r.headers.authorization).replace(/^Bearer /, '');

/** What DOKU checks: the HMAC over this very request, with the token it carried. */
function signedCorrectly(r: RecordedRequest): boolean {
  const sts = symmetricStringToSign({
    method: r.method,
    path: r.path,
    accessToken: bearer(r),
    bodyHash: bodyHash(r.body),
    timestamp: String(r.headers['x-timestamp']),
  });
  return hmacVerify(TEST_CLIENT_SECRET, sts, String(r.headers['x-signature']));
}

describe('token manager: single flight', () => {
  it('1,000 concurrent tokens.get() cause one token request, with a valid RSA signature', async () => {
    const { fake, client } = await setup({
      onToken: () => ({ ...tokenReply('T-1'), delayMs: 50 }),
    });
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => client.tokens.get()));
    expect(fake.tokenCount).toBe(1);
    expect(fake.tokenRequests[0].tokenSignatureValid).toBe(true);
    expect(fake.tokenRequests[0].body).toBe('{"grantType":"client_credentials"}');
    expect(new Set(tokens)).toEqual(new Set(['T-1']));
  });

  it('1,000 concurrent send() calls cause one token request and 1,000 distinct external ids', async () => {
    const { fake, client } = await setup({
      onToken: () => ({ ...tokenReply('T-1'), delayMs: 50 }),
    });
    const prepared = Array.from({ length: 1000 }, (_, i) =>
      prepareDanaStatus(client, { originalPartnerReferenceNo: `INV-${i}` }),
    );
    const results = await Promise.all(prepared.map((p) => client.send(p)));
    expect(fake.tokenCount).toBe(1);
    expect(fake.calls).toHaveLength(1000);
    expect(results.every((r) => r.outcome.kind === 'success')).toBe(true);
    expect(new Set(fake.calls.map(bearer))).toEqual(new Set(['T-1']));
    expect(new Set(fake.calls.map((c) => c.headers['x-external-id'])).size).toBe(1000);
    expect(fake.calls.every(signedCorrectly)).toBe(true);
  });
});

describe('token manager: DOKU says the token is no longer valid', () => {
  for (const code of ['4015401', '4015403']) {
    it(`${code}: one refetch, one resend with a new X-EXTERNAL-ID and signature`, async () => {
      const { fake, client } = await setup({
        onCall: (_r, i) => (i === 0 ? snapReply(401, code) : snapReply(200, '2005400')),
      });
      const prepared = prepareDana(client, danaInput);
      const result = await client.send(prepared);

      expect(result.outcome.kind).toBe('success');
      expect(fake.tokenCount).toBe(2);
      expect(fake.calls).toHaveLength(2);
      const [first, second] = fake.calls;
      expect(bearer(first)).toBe('token-1');
      expect(bearer(second)).toBe('token-2');
      expect(first.headers['x-external-id']).toBe(prepared.externalId);
      expect(second.headers['x-external-id']).not.toBe(prepared.externalId);
      expect(second.headers['x-external-id']).toMatch(/^\d{1,36}$/);
      expect(result.externalId).toBe(second.headers['x-external-id']);
      expect(second.headers['x-signature']).not.toBe(first.headers['x-signature']);
      expect(second.body).toBe(first.body);
      expect(signedCorrectly(first) && signedCorrectly(second)).toBe(true);
    });
  }

  it('resends only once: a second 401xx01 is returned, not retried', async () => {
    const { fake, client } = await setup({ onCall: () => snapReply(401, '4015401') });
    const result = await client.send(prepareDana(client, danaInput));
    expect(result.outcome.kind).toBe('refresh_token');
    expect(fake.tokenCount).toBe(2);
    expect(fake.calls).toHaveLength(2);
  });

  it('401xx00 (bad signature, unknown client) is a failure, not a token problem', async () => {
    const { fake, client } = await setup({ onCall: () => snapReply(401, '4015400') });
    const result = await client.send(prepareDana(client, danaInput));
    expect(result.outcome.kind).toBe('failure');
    expect(fake.tokenCount).toBe(1);
    expect(fake.calls).toHaveLength(1);
  });

  it('many calls rejected at once with the old token still cause one refetch', async () => {
    const { fake, client } = await setup({
      onToken: (_r, i) => ({ ...tokenReply(`token-${i + 1}`), delayMs: 20 }),
      onCall: (r) =>
        bearer(r) === 'token-1' ? snapReply(401, '4015401') : snapReply(200, '2005500'),
    });
    const prepared = Array.from({ length: 50 }, (_, i) =>
      prepareDanaStatus(client, { originalPartnerReferenceNo: `INV-${i}` }),
    );
    const results = await Promise.all(prepared.map((p) => client.send(p)));
    expect(results.every((r) => r.outcome.kind === 'success')).toBe(true);
    expect(fake.tokenCount).toBe(2);
    expect(fake.calls).toHaveLength(100);
  });

  it('takes the renewed X-EXTERNAL-ID from the caller when asked to', async () => {
    const { fake, client } = await setup({
      onCall: (_r, i) => (i === 0 ? snapReply(401, '4015401') : snapReply(200, '2005800')),
    });
    const prepared = prepareDanaRefund(client, {
      ...danaInput,
      originalPartnerReferenceNo: 'INV-1',
      partnerRefundNo: 'RFD-1',
      refundAmount: { value: '1.00', currency: 'IDR' },
    });
    const result = await client.send(prepared, { renewExternalId: async () => '424242' });
    expect(fake.calls[1].headers['x-external-id']).toBe('424242');
    expect(result.externalId).toBe('424242');
  });
});

describe('token manager: expiry', () => {
  const lifetimes: [expiresIn: number | string, seconds: number][] = [
    [900, 900],
    ['900', 900],
    // Distinguishable from the 900 s fallback, so a string that was ignored would show.
    ['300', 300],
    [' 120 ', 120],
  ];
  for (const [expiresIn, seconds] of lifetimes) {
    it(`expiresIn ${JSON.stringify(expiresIn)} is refreshed 60 s before it runs out`, async () => {
      const clock = new ManualClock();
      const { fake, client } = await setup(
        { onToken: (_r, i) => tokenReply(`token-${i + 1}`, expiresIn) },
        clock,
      );
      expect(await client.tokens.get()).toBe('token-1');
      clock.advance((seconds - 60) * 1000 - 1);
      expect(await client.tokens.get()).toBe('token-1');
      expect(fake.tokenCount).toBe(1);
      clock.advance(1);
      expect(await client.tokens.get()).toBe('token-2');
      expect(fake.tokenCount).toBe(2);
    });
  }

  it('a token lifetime shorter than the margin is refreshed at half-life, not on every call', async () => {
    const clock = new ManualClock();
    const { fake, client } = await setup(
      { onToken: (_r, i) => tokenReply(`token-${i + 1}`, 60) },
      clock,
    );
    await client.tokens.get();
    clock.advance(29_999);
    await client.tokens.get();
    expect(fake.tokenCount).toBe(1);
    clock.advance(1);
    await client.tokens.get();
    expect(fake.tokenCount).toBe(2);
  });
});

describe('token manager: a failed token request', () => {
  it('rejects every waiter, and the next call tries again', async () => {
    const { fake, client } = await setup({
      onToken: (_r, i) =>
        i === 0 ? { ...snapReply(500, '5007300'), delayMs: 30 } : tokenReply('token-2'),
    });
    const settled = await Promise.allSettled(Array.from({ length: 20 }, () => client.tokens.get()));
    expect(fake.tokenCount).toBe(1);
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      const reason = (s as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(TokenRequestError);
      expect(reason.responseCode).toBe('5007300');
      expect(reason.outcome.kind).toBe('retry_later');
    }
    expect(await client.tokens.get()).toBe('token-2');
    expect(fake.tokenCount).toBe(2);
  });

  it('send() rejects with the token error and sends nothing; the message holds no secret', async () => {
    const { fake, client } = await setup({ onToken: () => snapReply(401, '4017300') });
    const error = await client
      .send(prepareDanaStatus(client, { originalPartnerReferenceNo: 'X' }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TokenRequestError);
    expect((error as Error).message).toContain('4017300');
    expect((error as Error).message).not.toContain(TEST_CLIENT_SECRET);
    expect((error as TokenRequestError).outcome.kind).toBe('failure');
    expect(fake.calls).toHaveLength(0);
  });

  it('a success answer without an accessToken is a failure too', async () => {
    const { client } = await setup({ onToken: () => snapReply(200, '2007300') });
    await expect(client.tokens.get()).rejects.toBeInstanceOf(TokenRequestError);
  });

  it('a fetcher that throws synchronously does not leave the failure cached', async () => {
    let calls = 0;
    const manager = new TokenManager(
      () => {
        calls++;
        if (calls === 1) throw new Error('boom');
        return Promise.resolve({ accessToken: 'ok', expiresInSeconds: 900 });
      },
      { now: () => 0 },
    );
    await expect(manager.get()).rejects.toThrow('boom');
    await expect(manager.get()).resolves.toBe('ok');
  });
});

describe('parseExpiresIn', () => {
  it.each([
    [900, 900],
    ['900', 900],
    [' 300 ', 300],
    [1.5, 1.5],
    ['', 900],
    ['soon', 900],
    [0, 900],
    [-5, 900],
    [null, 900],
    [undefined, 900],
    [Number.POSITIVE_INFINITY, 900],
  ])('%j -> %d seconds', (input, expected) => {
    expect(parseExpiresIn(input)).toBe(expected);
  });
});
