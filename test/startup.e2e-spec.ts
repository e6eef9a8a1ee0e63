import { networkInterfaces } from 'node:os';
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
