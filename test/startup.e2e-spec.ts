import { createServer, AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import Redis from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness } from './support/harness';
import { buildService, removeBuild, startServiceProcess } from './support/service-process';
import { waitFor } from './support/wait';

beforeAll(() => void buildService(), 120_000);
afterAll(() => removeBuild());

it('with PostgreSQL unreachable: exits 1 with one line naming the cause, nothing above it', async () => {
  const service = startServiceProcess({
    PORT: '0',
    DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    API_KEYS: 'startup-test-key-0123456789abcdef',
  });
  expect(await service.exited).toBe(1);
  expect(service.output().trim().split('\n')).toEqual([
    'startup failed: connect ECONNREFUSED 127.0.0.1:1',
  ]);
});

it('listens on every interface by default, so that it is reachable from outside a container', async () => {
  const h = await startHarness();
  const service = startServiceProcess({
    ...h.env,
    PORT: '0',
    ROLE: 'api',
    MIGRATIONS_RUN: 'false',
    LOG_LEVEL: 'info',
  });
  try {
    const listening = await waitFor(
      () => /listening on ([0-9a-f.:]+):(\d+)/.exec(service.output()) ?? undefined,
      30_000,
      'the service to listen',
    );
    expect(listening[1]).toBe('0.0.0.0');
    // Reached through this machine's own non-loopback address, as another container would.
    const outside = Object.values(networkInterfaces())
      .flat()
      .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
    for (const address of outside ? ['127.0.0.1', outside] : ['127.0.0.1']) {
      const res = await fetch(`http://${address}:${listening[2]}/health/live`);
      expect(res.status, address).toBe(200);
    }
  } finally {
    await service.stop();
    await h.close();
  }
});

it('on the embedded simulator: SIMULATOR_HOST and SIMULATOR_PORT place it, and the key line is the last start-up line, saying how to keep the key', async () => {
  const h = await startHarness();
  const simulatorPort = await freePort();
  const {
    DOKU_BASE_URL: _url,
    DOKU_CLIENT_ID: _id,
    DOKU_CLIENT_SECRET: _secret,
    DOKU_PRIVATE_KEY: _private,
    DOKU_PUBLIC_KEY: _public,
    API_KEYS: _keys,
    ...env
  } = h.env;
  const service = startServiceProcess({
    ...env,
    LOG_LEVEL: 'info',
    SIMULATOR_HOST: '0.0.0.0',
    SIMULATOR_PORT: String(simulatorPort),
  });
  const redis = new Redis(env.REDIS_URL);
  try {
    const key = await waitFor(
      () => /Internal API key for this run: (sim_[A-Za-z0-9_-]+)/.exec(service.output())?.[1],
      30_000,
      'the key line',
    );
    // Both periodic jobs are scheduled (their lines come later than the key line would, if said).
    await waitFor(
      async () =>
        (await redis.keys(`${env.BULLMQ_PREFIX}:*:repeat`)).length >= 2 ? true : undefined,
      30_000,
      'the job schedules',
    );
    const lines = service.output().trim().split('\n');
    const last = lines[lines.length - 1];
    expect(last).toContain(`Internal API key for this run: ${key}`);
    expect(last).toContain(`to keep it, set API_KEYS=${key}`);
    expect(last).toContain(`embedded simulator at http://127.0.0.1:${simulatorPort}`);

    const outside = Object.values(networkInterfaces())
      .flat()
      .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
    for (const address of outside ? ['127.0.0.1', outside] : ['127.0.0.1'])
      expect((await fetch(`http://${address}:${simulatorPort}/`)).status, address).toBeLessThan(
        500,
      );
  } finally {
    redis.disconnect();
    await service.stop();
    await h.close();
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '0.0.0.0', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
