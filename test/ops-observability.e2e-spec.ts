import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settledRefund } from './support/flows';
import { Harness, paymentBody, startHarness, TEST_API_KEY } from './support/harness';
import { RecordingProxy, startRecordingProxy } from './support/recording-proxy';
import { waitFor } from './support/wait';

/**
 * One end-to-end run of everything the service does, at LOG_LEVEL=trace, with every byte of its
 * log kept, then: does /metrics show it, and does the log hold a single secret it saw?
 * Two recording proxies sit on the wires (service → DOKU, DOKU → service) to learn the tokens
 * and signatures exchanged, which the test cannot know otherwise.
 */

const BOARD_PASSWORD = 'board-password-9f8e7d6c5b4a';
const WRONG_KEY = 'wrong-api-key-aaaaaaaaaaaaaaaaaaaa';
const REQUEST_ID = 'ops-test-request-0001';

let h: Harness;
let toDoku: RecordingProxy;
let toService: RecordingProxy;
const logged: string[] = [];
const printed: string[] = [];
let metricsText = '';
let paymentId = '';

/** Everything else the process writes (console, stdout, stderr), in case something bypasses pino. */
function capturePrinted(): () => void {
  const restore: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      original(...args);
    };
    restore.push(() => (console[method] = original));
  }
  return () => restore.forEach((r) => r());
}

beforeAll(async () => {
  const restorePrinted = capturePrinted();
  try {
    toDoku = await startRecordingProxy();
    h = await startHarness({
      env: {
        LOG_LEVEL: 'trace',
        DOKU_BASE_URL: toDoku.url,
        BULL_BOARD_USER: 'ops',
        BULL_BOARD_PASSWORD: BOARD_PASSWORD,
        REFUND_BACKOFF_MS: '50',
        OUTBOX_RELAY_EVERY_MS: '200',
      },
      logDestination: { write: (line: string) => void logged.push(line) },
    });
    toDoku.target = h.sim.url;
    toService = await startRecordingProxy(h.url);
    h.sim.control.configure({ merchantBaseUrl: toService.url });
    await endToEndRun();
    metricsText = (await h.http.get('/metrics')).text;
  } finally {
    restorePrinted();
  }
});
afterAll(async () => {
  await h?.close();
  await toDoku?.close();
  await toService?.close();
});

async function endToEndRun(): Promise<void> {
  const created = await h.http
    .post('/v1/payments')
    .set(h.auth)
    .set('X-Request-Id', REQUEST_ID)
    .send(paymentBody());
  expect(created.status).toBe(201);
  paymentId = created.body.id;

  // DOKU's side: token request to us, then the signed notification.
  const delivery = await h.sim.control.completePayment(created.body.partnerReferenceNo, '00');
  expect(delivery).toMatchObject({ tokenStatus: 200 });
  await waitFor(async () => {
    const p = await h.http.get(`/v1/payments/${paymentId}`).set(h.auth);
    return p.body.status === 'PAID' ? p : undefined;
  });
  expect((await h.http.post(`/v1/payments/${paymentId}/status-check`).set(h.auth)).status).toBe(
    200,
  );

  const refund = await h.http
    .post(`/v1/payments/${paymentId}/refunds`)
    .set(h.auth)
    .send({ amount: { value: '5000.00', currency: 'IDR' } });
  expect(refund.status).toBe(202);
  expect((await settledRefund(h, refund.body.id)).status).toBe('SUCCEEDED');

  // Refusals, each carrying a credential that must not be logged either.
  const wrong = await h.http
    .get(`/v1/payments/${paymentId}`)
    .set('Authorization', `Bearer ${WRONG_KEY}`);
  expect(wrong.status).toBe(401);
  expect(
    (
      await h.http
        .post('/v1.0/debit/notify')
        .set('Authorization', 'Bearer forged-notification-token-0123456789')
        .set('X-SIGNATURE', 'forged-signature-value-0123456789abcdef')
        .set('X-TIMESTAMP', new Date().toISOString())
        .send({ hello: 'doku' })
    ).status,
  ).toBe(401);
  expect((await h.http.get('/admin/queues').auth('ops', BOARD_PASSWORD)).status).toBe(200);
  expect((await h.http.get('/admin/queues').auth('ops', `${BOARD_PASSWORD}x`)).status).toBe(401);
  expect((await h.http.get('/no/such/route')).status).toBe(404);
}

/** Every credential the run used or saw on the wire, as [value, what it is]. */
function secretsOfTheRun(): [string, string][] {
  const secrets: [string, string][] = [];
  const add = (what: string, value: string | undefined) => {
    if (value && value.length >= 12) secrets.push([value, what]);
  };
  const c = h.sim.credentials;
  add('client secret', c.clientSecret);
  add('API key', TEST_API_KEY);
  add('wrong API key', WRONG_KEY);
  add('Bull Board password', BOARD_PASSWORD);
  add('Bull Board basic credentials', Buffer.from(`ops:${BOARD_PASSWORD}`).toString('base64'));
  for (const [what, pem] of [
    ['merchant private key', c.merchantPrivateKeyPem],
    ['DOKU private key', c.dokuPrivateKeyPem],
  ]) {
    for (const line of pem.split('\n')) if (!line.startsWith('-----')) add(what, line.trim());
  }
  for (const [wire, proxy] of [
    ['service → DOKU', toDoku],
    ['DOKU → service', toService],
  ] as const) {
    for (const x of proxy.exchanges) {
      const auth = x.requestHeaders.authorization;
      add(`${wire} Authorization`, auth);
      add(`${wire} bearer token`, auth?.replace(/^Bearer /, ''));
      add(`${wire} X-SIGNATURE`, x.requestHeaders['x-signature'] as string | undefined);
      try {
        add(`${wire} issued access token`, JSON.parse(x.responseBody).accessToken);
      } catch {
        // Not JSON: nothing issued.
      }
    }
  }
  return secrets;
}

describe('the log of an end-to-end run', () => {
  it('saw the credentials it must hide (the proxies recorded tokens and signatures both ways)', () => {
    const kinds = new Set(secretsOfTheRun().map(([, what]) => what));
    for (const kind of [
      'service → DOKU X-SIGNATURE',
      'service → DOKU bearer token',
      'service → DOKU issued access token',
      'DOKU → service X-SIGNATURE',
      'DOKU → service bearer token',
      'DOKU → service issued access token',
    ])
      expect(kinds).toContain(kind);
    expect(logged.length).toBeGreaterThan(20);
  });

  it('contains none of them, anywhere', () => {
    const text = [...logged, ...printed].join('\n');
    const found = secretsOfTheRun()
      .filter(([secret]) => text.includes(secret))
      .map(([, what]) => what);
    expect(found).toEqual([]);
  });

  it('leaves probes and scrapes out of the access log, and logs the rest', async () => {
    const quiet = ['/health/live', '/health/ready', '/metrics'];
    for (const path of quiet) await h.http.get(path);
    await h.http.get('/no/such/route');
    const completed = () =>
      logged
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg?: string; req?: { url?: string } })
        .filter((e) => e.msg === 'request completed')
        .map((e) => e.req?.url ?? '');
    await waitFor(async () => completed().includes('/no/such/route') || undefined);
    expect(completed().filter((url) => quiet.includes(url.split('?')[0]))).toEqual([]);
  });

  it('is JSON, one object per line, with the request id on the lines of a request', () => {
    const lines = logged.join('').split('\n').filter(Boolean);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const ofRequest = entries.filter((e) => (e.req as { id?: string })?.id === REQUEST_ID);
    // The access log line and the DOKU payment call made while serving it.
    expect(ofRequest.some((e) => e.msg === 'request completed')).toBe(true);
    expect(ofRequest.some((e) => e.msg === 'doku call' && e.operation === 'dana_payment')).toBe(
      true,
    );
    // Every line says which service and which process role wrote it, and where.
    for (const e of entries)
      expect(e).toMatchObject({
        service: 'doku-payments',
        role: 'all',
        pid: expect.any(Number),
        hostname: expect.any(String),
      });
  });

  it('has one line per DOKU call with operation, code, duration and X-EXTERNAL-ID', () => {
    const entries = logged
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const calls = entries.filter((e) => e.msg === 'doku call');
    const wireCalls = toDoku.exchanges.length;
    expect(calls).toHaveLength(wireCalls);
    for (const op of ['b2b_token', 'dana_payment', 'check_status', 'refund']) {
      const call = calls.find((e) => e.operation === op);
      expect(call, op).toMatchObject({
        responseCode: expect.stringMatching(/^\d{7}$/),
        durationMs: expect.any(Number),
      });
      if (op !== 'b2b_token') expect(call?.externalId, op).toMatch(/^\d+$/);
    }
  });
});

describe('/metrics after an end-to-end run', () => {
  const series = (name: string, labels: Record<string, string>) => {
    const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    return metricsText
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  };
  const value = (line: string | undefined) => Number(line?.split(' ').pop());

  it('counts HTTP requests by method, route template and status', () => {
    expect(
      value(
        series('http_request_duration_seconds_count', {
          method: 'POST',
          route: '/v1/payments',
          status: '201',
        })[0],
      ),
    ).toBe(1);
    expect(
      series('http_request_duration_seconds_count', { route: '/v1/payments/:id', status: '200' }),
    ).toHaveLength(1);
    expect(
      series('http_request_duration_seconds_count', { route: '/v1/payments/:id', status: '401' }),
    ).toHaveLength(1);
    expect(
      series('http_request_duration_seconds_count', { route: '/v1.0/debit/notify', status: '200' }),
    ).toHaveLength(1);
    expect(
      series('http_request_duration_seconds_count', { route: 'unmatched', status: '404' }),
    ).toHaveLength(1);
    expect(
      series('http_request_duration_seconds_bucket', { route: '/v1/payments', le: '+Inf' }),
    ).not.toHaveLength(0);
  });

  it('counts DOKU calls by operation, SNAP code and outcome, and token requests', () => {
    for (const [operation, code] of [
      ['b2b_token', '2007300'],
      ['dana_payment', '2005400'],
      ['check_status', '2005500'],
      ['refund', '2005800'],
    ]) {
      const count = series('doku_call_duration_seconds_count', {
        operation,
        response_code: code,
        outcome: 'success',
      });
      expect(value(count[0]), operation).toBeGreaterThanOrEqual(1);
    }
    expect(value(series('doku_token_requests_total', { outcome: 'success' })[0])).toBe(1);
  });

  it('shows queue depth by state, job outcomes, refunds by final status and notifications', () => {
    expect(series('queue_jobs', { queue: 'refunds', state: 'completed' })).toHaveLength(1);
    expect(series('queue_jobs', { queue: 'reconciliation', state: 'waiting' })).toHaveLength(1);
    expect(
      value(
        series('queue_jobs_total', { queue: 'refunds', job: 'refund', outcome: 'completed' })[0],
      ),
    ).toBeGreaterThanOrEqual(1);
    // The sweeper's scheduled runs are counted apart from the refunds.
    expect(series('queue_jobs_total', { queue: 'refunds', job: 'refund-sweep' })).not.toHaveLength(
      0,
    );
    expect(value(series('refunds_final_total', { status: 'SUCCEEDED' })[0])).toBe(1);
    expect(series('doku_notifications_total', {})).not.toHaveLength(0);
    expect(value(series('doku_notifications_total', { outcome: 'unauthorized' })[0])).toBe(1);
  });

  it('shows the books an alert needs: PENDING payments, open refunds, attention, outbox, pool', () => {
    const plain = (name: string) => metricsText.split('\n').filter((l) => l.startsWith(`${name} `));
    expect(value(plain('payments_pending')[0])).toBeGreaterThanOrEqual(0);
    expect(value(plain('refunds_oldest_open_age_seconds')[0])).toBeGreaterThanOrEqual(0);
    expect(value(series('needing_attention', { kind: 'payment' })[0])).toBe(0);
    expect(value(plain('outbox_backlog')[0])).toBeGreaterThanOrEqual(0);
    expect(value(series('database_pool_connections', { state: 'total' })[0])).toBeGreaterThan(0);
  });

  it('has no ids or secrets in any label', () => {
    expect(metricsText).not.toContain(paymentId);
    expect(metricsText).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    for (const [secret, what] of secretsOfTheRun()) expect(metricsText, what).not.toContain(secret);
  });
});
