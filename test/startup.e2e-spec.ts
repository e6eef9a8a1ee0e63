import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildService, removeBuild, startServiceProcess } from './support/service-process';

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
