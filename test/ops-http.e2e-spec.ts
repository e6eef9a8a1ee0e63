import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, paymentBody, startHarness } from './support/harness';

const LIMIT = 30;
const BOARD_PASSWORD = 'ops-password-0123456789';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    env: {
      THROTTLE_LIMIT: String(LIMIT),
      THROTTLE_TTL_MS: '60000',
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: BOARD_PASSWORD,
    },
  });
});
afterAll(() => h?.close());

describe('HTTP hygiene', () => {
  it('sends helmet headers, a strict CSP on the APIs and none on the two UIs, which still render', async () => {
    const api = await h.http.get(`/v1/refunds/${crypto.randomUUID()}`).set(h.auth);
    expect(api.status).toBe(404);
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(api.headers['content-security-policy']).toContain("default-src 'self'");
    expect(api.headers['x-powered-by']).toBeUndefined();
    // A trailing slash routes as without one, as it did under Express.
    expect((await h.http.get('/health/live/')).status).toBe(200);

    const docs = await h.http.get('/docs/');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger-ui');
    expect(docs.headers['content-security-policy']).toBeUndefined();
    expect(docs.headers['x-content-type-options']).toBe('nosniff');

    const board = await h.http.get('/admin/queues').auth('ops', BOARD_PASSWORD);
    expect(board.status).toBe(200);
    expect(board.headers['content-security-policy']).toBeUndefined();
  });

  it("times and guards even what DOKU's body capture refuses before any controller runs", async () => {
    const res = await h.http
      .post('/v1.0/debit/notify')
      .set('Content-Type', 'application/json')
      .send('x'.repeat(70_000));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ responseCode: '4005600', responseMessage: 'Bad Request' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const metrics = (await h.http.get('/metrics')).text;
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/v1\.0\/debit\/notify",status="400"\} 1/,
    );
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = await h.http.get('/health/live').set('X-Request-Id', 'caller-id-42');
    expect(given.headers['x-request-id']).toBe('caller-id-42');
    const odd = await h.http.get('/health/live').set('X-Request-Id', 'no spaces <allowed>');
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a body over 64 kb with the error shape, and never shows a stack trace', async () => {
    const res = await h.http
      .post('/v1/payments')
      .set(h.auth)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ orderTitle: 'x'.repeat(70_000) }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(/too large/),
      details: [],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .+:\d+/);
  });

  it('answers URLs the router cannot read in the error shape, without echoing them', async () => {
    const long = await h.http.get(`/v1/payments/${'a'.repeat(150)}`).set(h.auth);
    expect(long.status).toBe(414);
    expect(long.body).toEqual({
      code: 'URI_TOO_LONG',
      message: 'The URL is too long.',
      details: [],
    });
    const escaped = await h.http.get('/v1/payments/%E0%A4%A').set(h.auth);
    expect(escaped.status).toBe(400);
    expect(escaped.body).toMatchObject({ code: 'BAD_REQUEST', details: [] });
    expect(JSON.stringify(escaped.body)).not.toContain('%E0');
  });

  it('answers what is not HTTP in the error shape too', async () => {
    const { port } = new URL(h.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString('utf8')));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      socket.write('NOT HTTP AT ALL\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      code: 'BAD_REQUEST',
      details: [],
    });
  });

  it('refuses a compressed body (415) rather than reading its bytes as JSON', async () => {
    const res = await h.http
      .post('/v1/payments')
      .set(h.auth)
      .set({ 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })
      .send(JSON.stringify({ orderTitle: 'x' }));
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', details: [] });
    const plain = await h.http
      .post('/v1/payments')
      .set(h.auth)
      .set({ 'Content-Type': 'application/json', 'Content-Encoding': 'identity' })
      .send(JSON.stringify({ orderTitle: 'x' }));
    expect(plain.status).toBe(400);
    expect(plain.body.code).toBe('VALIDATION_FAILED');
  });

  /** Sends `send` until it is answered 429 (or one more time than the limit allows). */
  async function untilLimited(send: () => PromiseLike<Answer>): Promise<Answer & { sent: number }> {
    for (let sent = 1; ; sent++) {
      const res = await send();
      if (res.status === 429 || sent > LIMIT)
        return { status: res.status, body: res.body, headers: res.headers, sent };
    }
  }
  type Answer = { status: number; body: Record<string, unknown>; headers: Record<string, string> };

  it('rate-limits the internal API and DOKU endpoints per client and endpoint, never the probes or /metrics', async () => {
    const limited = await untilLimited(() =>
      h.http.get(`/v1/refunds/${crypto.randomUUID()}`).set(h.auth),
    );
    expect(limited.status).toBe(429);
    // The first test spent one request on this endpoint already.
    expect(limited.sent).toBe(LIMIT);
    expect(limited.body).toMatchObject({ code: 'TOO_MANY_REQUESTS', details: [] });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    // DOKU gets SNAP's code for it, so it retries later rather than giving up.
    const notify = await untilLimited(() => h.http.post('/v1.0/debit/notify').send({}));
    expect(notify.status).toBe(429);
    expect(notify.body).toEqual({ responseCode: '4295600', responseMessage: 'Too Many Requests' });

    for (const path of ['/health/live', '/health/ready', '/metrics'])
      expect((await h.http.get(path)).status, path).toBe(200);
  });
});

describe('behind a proxy (TRUST_PROXY as a hop count)', () => {
  let proxied: Harness;
  beforeAll(async () => {
    proxied = await startHarness({
      env: {
        TRUST_PROXY: '1',
        THROTTLE_LIMIT: '2',
        BULL_BOARD_USER: 'ops',
        BULL_BOARD_PASSWORD: BOARD_PASSWORD,
      },
    });
  });
  afterAll(() => proxied?.close());

  const from = (address: string) =>
    proxied.http
      .get(`/v1/refunds/${crypto.randomUUID()}`)
      .set(proxied.auth)
      .set('X-Forwarded-For', address);

  it('limits each caller the proxy names, not the proxy', async () => {
    expect((await from('198.51.100.1')).status).toBe(404);
    expect((await from('198.51.100.1')).status).toBe(404);
    expect((await from('198.51.100.1')).status).toBe(429);
    expect((await from('198.51.100.2')).status).toBe(404);
    // Only the hop in front is trusted: an address the caller put further left is not theirs.
    expect((await from('203.0.113.9, 198.51.100.1')).status).toBe(429);
  });

  it('refuses an address after 10 failed dashboard logins in a minute, not the other operators', async () => {
    const board = (address: string, password: string) =>
      proxied.http.get('/admin/queues').auth('ops', password).set('X-Forwarded-For', address);
    // Visits without credentials are not guesses.
    for (let i = 0; i < 12; i++)
      expect(
        (await proxied.http.get('/admin/queues').set('X-Forwarded-For', '198.51.100.7')).status,
      ).toBe(401);
    for (let i = 0; i < 10; i++)
      expect((await board('198.51.100.7', `guess-${i}`)).status).toBe(401);
    const refused = await board('198.51.100.7', BOARD_PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await board('198.51.100.8', BOARD_PASSWORD)).status).toBe(200);
  });
});

describe('while shutting down', () => {
  /** Resolves once the server no longer accepts connections: its closing has begun. */
  async function refusingConnections(port: number): Promise<void> {
    for (;;) {
      const refused = await new Promise<boolean>((resolve) => {
        const probe = connect(port, '127.0.0.1');
        probe.on('connect', () => {
          probe.destroy();
          resolve(false);
        });
        probe.on('error', () => resolve(true));
      });
      if (refused) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** A request whose headers have begun but not ended: the server waits for it while closing. */
  function halfSent(port: number, head: string) {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(head);
    return {
      finish: (rest: string) => socket.write(rest),
      answer: () => closed.then(() => received),
    };
  }
  const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

  it('refuses what arrives on an open connection: 503 SHUTTING_DOWN in the error shape, SNAP for DOKU', async () => {
    const closing = await startHarness();
    const port = Number(new URL(closing.url).port);
    const body = JSON.stringify(paymentBody());
    const length = Buffer.byteLength(body);
    const api = halfSent(
      port,
      `POST /v1/payments HTTP/1.1\r\nHost: x\r\nAuthorization: ${closing.auth.Authorization}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${length}\r\n`,
    );
    const doku = halfSent(
      port,
      `POST /v1.0/debit/notify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${length}\r\n`,
    );
    // Time for the server to read the half-sent headers: until then the connections are idle,
    // and closing would drop them unanswered.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const closed = closing.close();
    await refusingConnections(port);
    api.finish(`\r\n${body}`);
    doku.finish(`\r\n${body}`);
    const [apiAnswer, dokuAnswer] = await Promise.all([api.answer(), doku.answer()]);
    await closed;

    expect(apiAnswer).toMatch(/^HTTP\/1\.1 503 /);
    expect(apiAnswer).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(apiAnswer).toMatch(/\r\nx-content-type-options: nosniff\r\n/i);
    expect(bodyOf(apiAnswer)).toEqual({
      code: 'SHUTTING_DOWN',
      message: 'The service is shutting down; send the request again.',
      details: [],
    });
    // SNAP has no 503: its general error, which DOKU retries.
    expect(dokuAnswer).toMatch(/^HTTP\/1\.1 500 /);
    expect(dokuAnswer).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(bodyOf(dokuAnswer)).toEqual({
      responseCode: '5005600',
      responseMessage: 'General Error',
    });
    expect(closing.sim.control.counters().paymentsCreated).toBe(0);
  });
});
