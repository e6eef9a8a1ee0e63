import { afterAll, beforeAll, expect, it } from 'vitest';
import { Harness, startHarness, TEST_API_KEY } from './support/harness';
import { removeBuild, ServiceProcess, startServiceProcess } from './support/service-process';
import { VA_BINS_ENV, vaPaymentBody } from './support/virtual-accounts';
import { waitFor } from './support/wait';

let h: Harness;
let other: ServiceProcess;
let otherUrl: string;

beforeAll(async () => {
  h = await startHarness({
    env: {
      CHANNELS: 'VA_BCA,VA_MANDIRI',
      DOKU_VA_BINS: VA_BINS_ENV,
      THROTTLE_LIMIT: '0',
      // A loaded machine answers 200 creates at once slowly; an answer, not its speed, is tested.
      DOKU_TIMEOUT_MS: '20000',
    },
  });
  // A second replica of the service: its own process, the same database and DOKU.
  other = startServiceProcess({ ...h.env, PORT: '0', MIGRATIONS_RUN: 'false', LOG_LEVEL: 'info' });
  const listening = await waitFor(
    () => /listening on [0-9a-f.:]+:(\d+)/.exec(other.output()) ?? undefined,
    120_000,
    'the second service process to listen',
  );
  otherUrl = `http://127.0.0.1:${listening[1]}`;
}, 180_000);

afterAll(async () => {
  await other?.kill();
  await h?.close();
  removeBuild();
});

it('1,000 concurrent VA creates across two service processes: 1,000 distinct VA numbers, each created once at DOKU', async () => {
  const replicas = [h.url, otherUrl];
  const create = async (i: number) => {
    const res = await fetch(`${replicas[i % 2]}/v1/payments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TEST_API_KEY}` },
      body: JSON.stringify(vaPaymentBody(i % 3 === 0 ? 'VA_MANDIRI' : 'VA_BCA')),
    });
    const body = (await res.json()) as { virtualAccount?: { number: string } };
    expect(res.status, JSON.stringify(body)).toBe(201);
    return body.virtualAccount!.number;
  };
  const numbers: string[] = [];
  let next = 0;
  // 200 requests in flight at any moment, half at each replica.
  await Promise.all(
    Array.from({ length: 200 }, async () => {
      while (next < 1_000) numbers.push(await create(next++));
    }),
  );
  expect(numbers).toHaveLength(1_000);
  expect(new Set(numbers).size).toBe(1_000);
  expect(h.sim.control.virtualAccounts()).toHaveLength(1_000);
  const [{ count }] = (await h.db.dataSource.query(
    `SELECT count(DISTINCT channel_input->>'virtualAccountNo')::int AS count FROM payments`,
  )) as { count: number }[];
  expect(count).toBe(1_000);
}, 180_000);
