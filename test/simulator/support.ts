import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  bodyHash,
  type Clock,
  DEBIT_PAYMENT_PATH,
  DokuSnapClient,
  hmacSign,
  loadCredentials,
  parsePublicKey,
  rsaSign,
  parsePrivateKey,
  snapTimestamp,
  symmetricStringToSign,
  tokenStringToSign,
  verifyTokenRequestSignature,
  verifyTransactionalSignature,
  B2B_TOKEN_PATH,
} from '@app/doku-snap';
import type { RunningSimulator, SimulatorCredentials } from '@app/doku-simulator';

/** A DokuSnapClient wired to the simulator with its generated merchant credentials. */
export function clientFor(
  sim: RunningSimulator,
  options: { clock?: Clock; timeoutMs?: number } = {},
): DokuSnapClient {
  const c = sim.credentials;
  return new DokuSnapClient({
    baseUrl: sim.url,
    credentials: loadCredentials({
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      privateKey: c.merchantPrivateKeyPem,
      dokuPublicKey: c.dokuPublicKeyPem,
    }),
    ...options,
  });
}

export interface RawResponse {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  method: 'POST' | 'PUT' | 'DELETE' = 'POST',
): Promise<RawResponse> {
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, text, body: parsed };
}

/** Headers of a correct B2B token request; each can be overridden to break one thing. */
export function tokenHeaders(
  creds: SimulatorCredentials,
  overrides: { timestamp?: string; clientId?: string; privateKeyPem?: string } = {},
): Record<string, string> {
  const timestamp = overrides.timestamp ?? snapTimestamp(Date.now());
  const clientId = overrides.clientId ?? creds.clientId;
  const key = parsePrivateKey('key', overrides.privateKeyPem ?? creds.merchantPrivateKeyPem);
  return {
    'Content-Type': 'application/json',
    'X-CLIENT-KEY': clientId,
    'X-TIMESTAMP': timestamp,
    'X-SIGNATURE': rsaSign(key, tokenStringToSign(clientId, timestamp)),
  };
}

export async function fetchToken(sim: RunningSimulator): Promise<string> {
  const res = await post(
    sim.url + B2B_TOKEN_PATH,
    tokenHeaders(sim.credentials),
    '{"grantType":"client_credentials"}',
  );
  if (res.status !== 200) throw new Error(`token request failed: ${res.text}`);
  return res.body.accessToken as string;
}

let externalSeq = 0;
export function newExternalId(): string {
  externalSeq += 1;
  return `${Date.now()}${String(process.pid).padStart(7, '0')}${String(externalSeq).padStart(6, '0')}`;
}

export interface SignedCall {
  path: string;
  body: string;
  token: string;
  externalId?: string;
  timestamp?: string;
  /** Sign these bytes but send `body` (a tampered body). */
  signedBody?: string;
  secret?: string;
  deviceId?: string | null;
  /** Final say over headers: a null value removes the header. */
  headers?: Record<string, string | null>;
  /** Sent and signed with this method (update VA: PUT, delete VA: DELETE). */
  method?: 'POST' | 'PUT' | 'DELETE';
}

/** A transactional call signed like the library does, with knobs to get one thing wrong. */
export async function signedPost(sim: RunningSimulator, call: SignedCall): Promise<RawResponse> {
  const timestamp = call.timestamp ?? snapTimestamp(Date.now());
  const signature = hmacSign(
    call.secret ?? sim.credentials.clientSecret,
    symmetricStringToSign({
      method: call.method ?? 'POST',
      path: call.path,
      accessToken: call.token,
      bodyHash: bodyHash(call.signedBody ?? call.body),
      timestamp,
    }),
  );
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${call.token}`,
    'X-TIMESTAMP': timestamp,
    'X-SIGNATURE': signature,
    'X-PARTNER-ID': sim.credentials.clientId,
    'X-EXTERNAL-ID': call.externalId ?? newExternalId(),
  };
  if (call.deviceId !== null) headers['X-DEVICE-ID'] = call.deviceId ?? 'device01';
  for (const [name, value] of Object.entries(call.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  return post(sim.url + call.path, headers, call.body, call.method);
}

export function paymentBody(
  partnerReferenceNo: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    partnerReferenceNo,
    amount: { value: '15000.00', currency: 'IDR' },
    urlParam: [
      { url: 'https://merchant.example/return?order=1', type: 'PAY_RETURN', isDeepLink: 'N' },
    ],
    additionalInfo: { channel: 'EMONEY_DANA_SNAP', orderTitle: 'Order 1' },
    ...overrides,
  };
}

/** Creates a payment with raw calls and returns its partnerReferenceNo and the redirect URL. */
export async function createPayment(
  sim: RunningSimulator,
  token: string,
  ref: string,
  value = '15000.00',
) {
  const body = JSON.stringify(paymentBody(ref, { amount: { value, currency: 'IDR' } }));
  const res = await signedPost(sim, { path: DEBIT_PAYMENT_PATH, body, token });
  if (res.body?.responseCode !== '2005400') throw new Error(`payment failed: ${res.text}`);
  return res.body as { webRedirectUrl: string; referenceNo: string };
}

export interface ReceivedNotification {
  headers: IncomingHttpHeaders;
  raw: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  tokenKnown: boolean;
  signature: { valid: true; form: 'HMAC' | 'RSA' } | { valid: false };
}

export interface TestMerchant {
  url: string;
  tokenRequests: { headers: IncomingHttpHeaders; body: string; signatureValid: boolean }[];
  notifications: ReceivedNotification[];
  /** The next `count` notifications are answered with `status`. */
  failNext(count: number, status?: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedNotification[]>;
  close(): Promise<void>;
}

/**
 * A minimal merchant: its token endpoint checks DOKU's RSA signature and issues tokens; its
 * notification endpoint records what arrives and whether the signature verifies.
 */
export async function startTestMerchant(creds: SimulatorCredentials): Promise<TestMerchant> {
  const dokuPublicKey = parsePublicKey('dokuPublicKeyPem', creds.dokuPublicKeyPem);
  const issued = new Set<string>();
  const tokenRequests: TestMerchant['tokenRequests'] = [];
  const notifications: ReceivedNotification[] = [];
  let failures: { remaining: number; status: number } = { remaining: 0, status: 500 };
  let waiters: (() => void)[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === B2B_TOKEN_PATH) {
        const clientId = String(req.headers['x-client-key'] ?? '');
        const signatureValid =
          clientId === creds.clientId &&
          verifyTokenRequestSignature(
            clientId,
            String(req.headers['x-timestamp'] ?? ''),
            String(req.headers['x-signature'] ?? ''),
            dokuPublicKey,
          );
        tokenRequests.push({ headers: req.headers, body: raw, signatureValid });
        if (!signatureValid)
          return reply(401, {
            responseCode: '4017300',
            responseMessage: 'Unauthorized. Invalid Signature',
          });
        const token = `merchant-token-${tokenRequests.length}`;
        issued.add(token);
        return reply(200, {
          responseCode: '2007300',
          responseMessage: 'Successful',
          accessToken: token,
          tokenType: 'Bearer',
          expiresIn: 900,
        });
      }
      const accessToken = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
      const signature = verifyTransactionalSignature(
        {
          method: 'POST',
          path: req.url ?? '',
          timestamp: String(req.headers['x-timestamp'] ?? ''),
          rawBody: raw,
          signature: String(req.headers['x-signature'] ?? ''),
          accessToken,
        },
        { clientSecret: creds.clientSecret, dokuPublicKey },
      );
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      notifications.push({
        headers: req.headers,
        raw,
        body,
        tokenKnown: accessToken !== undefined && issued.has(accessToken),
        signature,
      });
      const current = waiters;
      waiters = [];
      current.forEach((w) => w());
      if (failures.remaining > 0) {
        failures.remaining -= 1;
        return reply(failures.status, {
          responseCode: `${failures.status}5600`,
          responseMessage: 'Failing on purpose',
        });
      }
      reply(200, { responseCode: '2005600', responseMessage: 'Successful' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    tokenRequests,
    notifications,
    failNext(count, status = 500) {
      failures = { remaining: count, status };
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (notifications.length < count) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`expected ${count} notifications, got ${notifications.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return notifications.slice(0, count);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls until `check` returns a value (no fixed sleeps, no timing assertions). */
export async function eventually<T>(check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
