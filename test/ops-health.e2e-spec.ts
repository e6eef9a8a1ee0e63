import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Harness, startHarness } from './support/harness';
import { startTcpProxy, TcpProxy } from './support/tcp-proxy';
import { waitFor } from './support/wait';

const redisTarget = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const pgTarget = new URL(
  process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
);

let h: Harness;
let pg: TcpProxy;
let redis: TcpProxy;

beforeAll(async () => {
  pg = await startTcpProxy({ host: pgTarget.hostname, port: Number(pgTarget.port || 5432) });
  redis = await startTcpProxy({
    host: redisTarget.hostname,
    port: Number(redisTarget.port || 6379),
  });
  h = await startHarness({
    databaseVia: pg,
    env: { REDIS_URL: `redis://${redis.host}:${redis.port}` },
  });
});
// A failed test must not leave the next one without its database.
afterEach(async () => {
  await pg.up();
  await redis.up();
});
afterAll(async () => {
  // Back up first: shutting down waits for Redis to close the workers cleanly.
  await pg?.up();
  await redis?.up();
  await h?.close();
  await pg?.close();
  await redis?.close();
});

const ready = () => h.http.get('/health/ready');

/** Polls readiness until it answers `status`; returns that answer and how long it took. */
async function readinessBecomes(status: number, timeoutMs = 20_000) {
  const started = Date.now();
  const res = await waitFor(
    async () => {
      const r = await ready();
      return r.status === status ? r : undefined;
    },
    timeoutMs,
    `readiness ${status}`,
  );
  return { res, ms: Date.now() - started };
}

describe('health', () => {
  it('live and ready answer 200 without an API key when PostgreSQL and Redis are up', async () => {
    const live = await h.http.get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('ok');
    const res = await ready();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, redis: { status: 'up' } },
    });
    expect(res.headers['cache-control']).toMatch(/no-store/);
  });

  it('ready is 503 while PostgreSQL is unreachable, live stays 200, and ready recovers without a restart', async () => {
    await pg.down();
    const down = await readinessBecomes(503);
    expect(down.res.body).toMatchObject({
      status: 'error',
      error: { database: { status: 'down' } },
      info: { redis: { status: 'up' } },
    });
    // Which dependency and why, in plain words.
    expect(down.res.body.error.database.message).toMatch(
      /^PostgreSQL: (connection refused|connection lost)$/,
    );
    expect(down.ms).toBeLessThan(5_000);
    expect((await h.http.get('/health/live')).status).toBe(200);
    // The internal API fails cleanly meanwhile: a 5xx with the error shape, no stack.
    const api = await h.http.get(`/v1/refunds/${crypto.randomUUID()}`).set(h.auth);
    expect(api.status).toBeGreaterThanOrEqual(500);
    expect(JSON.stringify(api.body)).not.toMatch(/\bat .+\.(ts|js):\d+/);

    await pg.up();
    const back = await readinessBecomes(200);
    expect(back.res.body.info).toMatchObject({ database: { status: 'up' } });
  });

  it('ready is 503 while Redis is unreachable, /metrics still answers fast, and ready recovers', async () => {
    await redis.down();
    const down = await readinessBecomes(503);
    expect(down.res.body).toMatchObject({
      error: { redis: { status: 'down' } },
      info: { database: { status: 'up' } },
    });
    expect(down.res.body.error.redis.message).toMatch(
      /^Redis: (connection refused|connection lost)$/,
    );

    const started = Date.now();
    const metrics = await h.http.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(metrics.text).toMatch(/queue_depth_collect_failures_total\{queue="refunds"\} [1-9]/);
    expect(metrics.text).not.toMatch(/^queue_jobs\{/m);

    await redis.up();
    await readinessBecomes(200);
    const after = await h.http.get('/metrics');
    expect(after.text).toMatch(/^queue_jobs\{queue="refunds",state="waiting"\} \d+/m);
  });
});

describe('health when a dependency hangs rather than refuses', () => {
  it('ready is 503 once the PostgreSQL check times out, and 200 again after', async () => {
    await pg.stall();
    const down = await readinessBecomes(503);
    expect(down.res.body.error.database).toMatchObject({
      status: 'down',
      message: 'PostgreSQL: no answer within 2 s',
    });
    expect(down.ms).toBeLessThan(4_000);
    await pg.up();
    await readinessBecomes(200);
  });

  it('/metrics answers within its queue timeout while Redis hangs; ready is 503, then 200', async () => {
    await redis.stall();
    const started = Date.now();
    const metrics = await h.http.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(metrics.text).toContain('http_request_duration_seconds');
    const down = await readinessBecomes(503);
    expect(down.res.body.error.redis.status).toBe('down');
    await redis.up();
    await readinessBecomes(200);
  });
});

describe('ROLE=worker', () => {
  let worker: Harness;
  beforeAll(async () => {
    worker = await startHarness({ env: { ROLE: 'worker' } });
  });
  afterAll(() => worker?.close());

  it('serves health and metrics, and nothing of the internal API, the docs or the dashboard', async () => {
    expect((await worker.http.get('/health/live')).status).toBe(200);
    expect((await worker.http.get('/health/ready')).status).toBe(200);
    const metrics = await worker.http.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('queue_jobs{queue="refunds"');
    expect((await worker.http.post('/v1/payments').set(worker.auth).send({})).status).toBe(404);
    expect((await worker.http.get('/docs')).status).toBe(404);
    expect((await worker.http.get('/admin/queues')).status).toBe(404);
  });
});
