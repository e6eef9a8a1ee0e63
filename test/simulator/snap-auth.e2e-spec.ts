import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  B2B_TOKEN_PATH,
  DEBIT_STATUS_PATH,
  DEBIT_PAYMENT_PATH,
  DEBIT_REFUND_PATH,
  snapTimestamp,
} from '@app/doku-snap';
import { startDokuSimulator, type RunningSimulator } from '@app/doku-simulator';
import { fetchToken, newExternalId, paymentBody, post, signedPost, tokenHeaders } from './support';

const TOKEN_BODY = '{"grantType":"client_credentials"}';
const STATUS_BODY = JSON.stringify({
  originalPartnerReferenceNo: 'NOPE-1',
  serviceCode: '55',
  additionalInfo: { channel: 'EMONEY_DANA_SNAP' },
});

describe('DOKU simulator: authentication', () => {
  let sim: RunningSimulator;
  let token: string;

  beforeAll(async () => {
    sim = await startDokuSimulator();
    token = await fetchToken(sim);
  });
  afterAll(() => sim.close());

  describe('B2B token (service 73)', () => {
    it('issues an opaque bearer token for a correctly signed request', async () => {
      const res = await post(sim.url + B2B_TOKEN_PATH, tokenHeaders(sim.credentials), TOKEN_BODY);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        responseCode: '2007300',
        tokenType: 'Bearer',
        expiresIn: 900,
      });
      expect(typeof res.body.accessToken).toBe('string');
      expect(res.body.accessToken.length).toBeGreaterThan(20);
    });

    it('accepts Z and other offsets in X-TIMESTAMP', async () => {
      const now = Date.now();
      const utc = new Date(now).toISOString().slice(0, 19) + 'Z';
      const minusFive = new Date(now - 5 * 3_600_000).toISOString().slice(0, 19) + '-05:00';
      for (const timestamp of [utc, minusFive]) {
        const res = await post(
          sim.url + B2B_TOKEN_PATH,
          tokenHeaders(sim.credentials, { timestamp }),
          TOKEN_BODY,
        );
        expect(res.body.responseCode).toBe('2007300');
      }
    });

    it('rejects a signature made with another key: 4017300', async () => {
      const other = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      });
      const headers = tokenHeaders(sim.credentials, { privateKeyPem: other.privateKey });
      const res = await post(sim.url + B2B_TOKEN_PATH, headers, TOKEN_BODY);
      expect(res.status).toBe(401);
      expect(res.body.responseCode).toBe('4017300');
    });

    it('rejects an unknown client: 4017300', async () => {
      const headers = tokenHeaders(sim.credentials, { clientId: 'BRN-0000-0000000000000' });
      const res = await post(sim.url + B2B_TOKEN_PATH, headers, TOKEN_BODY);
      expect(res.status).toBe(401);
      expect(res.body.responseCode).toBe('4017300');
    });

    it('rejects a malformed X-TIMESTAMP: 4007301', async () => {
      const headers = tokenHeaders(sim.credentials, { timestamp: '2024-05-17 14:12:50' });
      const res = await post(sim.url + B2B_TOKEN_PATH, headers, TOKEN_BODY);
      expect(res.status).toBe(400);
      expect(res.body.responseCode).toBe('4007301');
    });

    it('rejects a timestamp more than 5 minutes off: 4017300', async () => {
      const timestamp = snapTimestamp(Date.now() - 10 * 60_000);
      const res = await post(
        sim.url + B2B_TOKEN_PATH,
        tokenHeaders(sim.credentials, { timestamp }),
        TOKEN_BODY,
      );
      expect(res.body.responseCode).toBe('4017300');
    });

    it('rejects a missing header or field: 4007302', async () => {
      const headers = tokenHeaders(sim.credentials);
      delete headers['X-SIGNATURE'];
      expect((await post(sim.url + B2B_TOKEN_PATH, headers, TOKEN_BODY)).body.responseCode).toBe(
        '4007302',
      );
      const noGrant = await post(sim.url + B2B_TOKEN_PATH, tokenHeaders(sim.credentials), '{}');
      expect(noGrant.body.responseCode).toBe('4007302');
    });

    it('rejects a body that is not JSON (4007300) or a wrong grantType (4007301)', async () => {
      expect(
        (await post(sim.url + B2B_TOKEN_PATH, tokenHeaders(sim.credentials), 'grant')).body
          .responseCode,
      ).toBe('4007300');
      const wrong = await post(
        sim.url + B2B_TOKEN_PATH,
        tokenHeaders(sim.credentials),
        '{"grantType":"password"}',
      );
      expect(wrong.body.responseCode).toBe('4007301');
    });
  });

  describe('transactional calls', () => {
    it('accepts a correctly signed call', async () => {
      const res = await signedPost(sim, { path: DEBIT_STATUS_PATH, body: STATUS_BODY, token });
      // Authenticated, and the payment does not exist.
      expect(res.body.responseCode).toBe('4045501');
    });

    it('rejects a token it never issued: 401xx03', async () => {
      const res = await signedPost(sim, {
        path: DEBIT_STATUS_PATH,
        body: STATUS_BODY,
        token: 'not-a-token',
      });
      expect(res.status).toBe(401);
      expect(res.body.responseCode).toBe('4015503');
    });

    it('rejects a missing or non-Bearer Authorization: 401xx01', async () => {
      const missing = await signedPost(sim, {
        path: DEBIT_STATUS_PATH,
        body: STATUS_BODY,
        token,
        headers: { Authorization: null },
      });
      expect(missing.body.responseCode).toBe('4015501');
      const basic = await signedPost(sim, {
        path: DEBIT_STATUS_PATH,
        body: STATUS_BODY,
        token,
        headers: { Authorization: `Basic ${token}` },
      });
      expect(basic.body.responseCode).toBe('4015501');
    });

    it('rejects a wrong HMAC (other secret): 401xx00', async () => {
      const res = await signedPost(sim, {
        path: DEBIT_STATUS_PATH,
        body: STATUS_BODY,
        token,
        secret: 'SK-not-the-secret-000',
      });
      expect(res.status).toBe(401);
      expect(res.body.responseCode).toBe('4015500');
    });

    it('rejects a body changed after signing: 401xx00', async () => {
      const body = JSON.stringify(paymentBody('TAMPER-1'));
      const signedBody = JSON.stringify(
        paymentBody('TAMPER-1', { amount: { value: '1.00', currency: 'IDR' } }),
      );
      const res = await signedPost(sim, { path: DEBIT_PAYMENT_PATH, body, signedBody, token });
      expect(res.body.responseCode).toBe('4015400');
      expect(sim.control.payment('TAMPER-1')).toBeUndefined();
    });

    it('checks the HMAC over the raw bytes, not a re-serialized body', async () => {
      const pretty = JSON.stringify(JSON.parse(STATUS_BODY), null, 2);
      const res = await signedPost(sim, { path: DEBIT_STATUS_PATH, body: pretty, token });
      expect(res.body.responseCode).toBe('4045501');
      const minifiedSignature = await signedPost(sim, {
        path: DEBIT_STATUS_PATH,
        body: pretty,
        signedBody: STATUS_BODY,
        token,
      });
      expect(minifiedSignature.body.responseCode).toBe('4015500');
    });

    it('rejects an unknown X-PARTNER-ID: 401xx00', async () => {
      const res = await signedPost(sim, {
        path: DEBIT_STATUS_PATH,
        body: STATUS_BODY,
        token,
        headers: { 'X-PARTNER-ID': 'BRN-OTHER' },
      });
      expect(res.body.responseCode).toBe('4015500');
    });

    it('requires X-DEVICE-ID on DANA payment and refund (400xx02), not on status', async () => {
      const payment = await signedPost(sim, {
        path: DEBIT_PAYMENT_PATH,
        body: JSON.stringify(paymentBody('NODEV-1')),
        token,
        deviceId: null,
      });
      expect(payment.body.responseCode).toBe('4005402');
      expect(payment.body.responseMessage).toContain('X-DEVICE-ID');
      const refund = await signedPost(sim, {
        path: DEBIT_REFUND_PATH,
        body: '{}',
        token,
        deviceId: null,
      });
      expect(refund.body.responseCode).toBe('4005802');
      const status = await signedPost(sim, {
        path: DEBIT_STATUS_PATH,
        body: STATUS_BODY,
        token,
        deviceId: null,
      });
      expect(status.body.responseCode).toBe('4045501');
      const symbols = await signedPost(sim, {
        path: DEBIT_PAYMENT_PATH,
        body: JSON.stringify(paymentBody('NODEV-1')),
        token,
        deviceId: 'dev-01!',
      });
      expect(symbols.body.responseCode).toBe('4005401');
    });

    it('relaxes X-DEVICE-ID when configured to (DOKU SDK behaviour)', async () => {
      sim.control.configure({ requireDeviceId: false });
      try {
        const res = await signedPost(sim, {
          path: DEBIT_PAYMENT_PATH,
          body: JSON.stringify(paymentBody('NODEV-2')),
          token,
          deviceId: null,
        });
        expect(res.body.responseCode).toBe('2005400');
      } finally {
        sim.control.configure({ requireDeviceId: true });
      }
    });

    it('rejects a non-numeric, overlong or missing X-EXTERNAL-ID', async () => {
      const letters = await signedPost(sim, {
        path: DEBIT_STATUS_PATH,
        body: STATUS_BODY,
        token,
        externalId: '12ab34',
      });
      expect(letters.body.responseCode).toBe('4005501');
      const long = await signedPost(sim, {
        path: DEBIT_STATUS_PATH,
        body: STATUS_BODY,
        token,
        externalId: '1'.repeat(37),
      });
      expect(long.body.responseCode).toBe('4005501');
      const longest = await signedPost(sim, {
        path: DEBIT_STATUS_PATH,
        body: STATUS_BODY,
        token,
        externalId: '1'.repeat(36),
      });
      expect(longest.body.responseCode).toBe('4045501');
      const missing = await signedPost(sim, {
        path: DEBIT_STATUS_PATH,
        body: STATUS_BODY,
        token,
        headers: { 'X-EXTERNAL-ID': null },
      });
      expect(missing.body.responseCode).toBe('4005502');
    });

    it('rejects a malformed X-TIMESTAMP (400xx01) and one too far off (401xx00)', async () => {
      const bad = await signedPost(sim, {
        path: DEBIT_STATUS_PATH,
        body: STATUS_BODY,
        token,
        timestamp: '17-05-2024T14:12:50+07:00',
      });
      expect(bad.body.responseCode).toBe('4005501');
      const old = await signedPost(sim, {
        path: DEBIT_STATUS_PATH,
        body: STATUS_BODY,
        token,
        timestamp: snapTimestamp(Date.now() - 3_600_000),
      });
      expect(old.body.responseCode).toBe('4015500');
    });

    it('does not burn an X-EXTERNAL-ID on a request that failed authentication', async () => {
      const externalId = newExternalId();
      const body = JSON.stringify(paymentBody('BURN-1'));
      const rejected = await signedPost(sim, {
        path: DEBIT_PAYMENT_PATH,
        body,
        token,
        externalId,
        secret: 'SK-wrong-secret-00000',
      });
      expect(rejected.body.responseCode).toBe('4015400');
      const accepted = await signedPost(sim, { path: DEBIT_PAYMENT_PATH, body, token, externalId });
      expect(accepted.status).toBe(200);
      expect(accepted.body.responseCode).toBe('2005400');
    });
  });
});

describe('DOKU simulator: token expiry', () => {
  let sim: RunningSimulator;
  let clock = Date.now();

  beforeAll(async () => {
    sim = await startDokuSimulator({ tokenTtlSeconds: 60, now: () => clock });
  });
  afterAll(() => sim.close());

  it('rejects an expired token: 401xx01', async () => {
    const token = await fetchToken(sim);
    const fresh = await signedPost(sim, {
      path: DEBIT_STATUS_PATH,
      body: STATUS_BODY,
      token,
      timestamp: snapTimestamp(clock),
    });
    expect(fresh.body.responseCode).toBe('4045501');
    clock += 61_000;
    const expired = await signedPost(sim, {
      path: DEBIT_STATUS_PATH,
      body: STATUS_BODY,
      token,
      timestamp: snapTimestamp(clock),
    });
    expect(expired.status).toBe(401);
    expect(expired.body.responseCode).toBe('4015501');
  });
});
