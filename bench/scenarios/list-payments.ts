import { performance } from 'node:perf_hooks';
import { cannon } from '../lib/cannon';
import type { ProfileWindow } from '../lib/profiler';
import type { ScenarioRow } from '../lib/report';
import type { ServiceProcess } from '../lib/service-process';

export interface ListPaymentsOptions {
  service: ServiceProcess;
  /** Payments in the table while the lists are read. */
  payments: number;
  connections: number;
  secondsPerShape: number;
  /** Set: the service is CPU-profiled while the lists are read (all kinds in one profile). */
  profile?: ProfileWindow;
  log: (line: string) => void;
}

export interface ListPaymentsResult {
  rows: ScenarioRow[];
  profileFile?: string;
}

const PAGE = 100;
const TARGET_P99_MS = 50;
const CUSTOMERS = 10_000;
const STATUSES = ['PAID', 'EXPIRED', 'FAILED', 'CANCELLED'] as const;
/** The seeded payments' creation times: one every 2.6 s, back from now (about a month a million). */
const SPACING_MS = 2_600;

/**
 * Scenario 6: GET /v1/payments, pages of 100 out of a million payments: one row per kind of list
 * a calling team reads, a page at a time (newest first from a cursor anywhere in the table, by
 * status from a cursor, by a metadata key that 100 payments have and one that 50,000 have, by a
 * day's creation window), then the five mixed on
 * `connections` connections. The payments are written straight
 * into the service's database (final statuses only: no sweep or status check touches them).
 */
export async function listPaymentsScenario(
  options: ListPaymentsOptions,
): Promise<ListPaymentsResult> {
  const { service, log } = options;
  const seeded = await seed(service, options.payments, log);
  const cursors = await cursorPool(service);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)];
  const day = 86_400_000;
  const span = options.payments * SPACING_MS;
  const shapes: { name: string; path: () => string }[] = [
    {
      name: 'newest first, from a cursor anywhere',
      path: () => `/v1/payments?limit=${PAGE}&after=${pick(cursors.any)}`,
    },
    {
      name: 'by status, from a cursor anywhere',
      path: () => `/v1/payments?status=EXPIRED&limit=${PAGE}&after=${pick(cursors.expired)}`,
    },
    {
      name: 'by metadata key (100 of 1,000,000)',
      path: () =>
        `/v1/payments?metadata=customer:cust-${Math.floor(Math.random() * CUSTOMERS)}&limit=${PAGE}`,
    },
    {
      name: 'by metadata key (50,000 of 1,000,000)',
      path: () =>
        `/v1/payments?metadata=store:store-${Math.floor(Math.random() * 20)}&limit=${PAGE}`,
    },
    {
      name: "a day's creation window",
      path: () => {
        const from = seeded.newest - Math.floor(Math.random() * (span - day));
        return (
          `/v1/payments?limit=${PAGE}&createdFrom=${encodeURIComponent(new Date(from - day).toISOString())}` +
          `&createdTo=${encodeURIComponent(new Date(from).toISOString())}`
        );
      },
    },
  ];

  const rows: ScenarioRow[] = [];
  const stopProfile = await options.profile?.('list-payments');
  for (const shape of shapes) {
    await expectFullPage(service, shape.path());
    rows.push(await load(service, shape.name, 1, options, () => shape.path(), TARGET_P99_MS));
  }
  rows.push(
    await load(service, 'the five kinds mixed', options.connections, options, () =>
      pick(shapes).path(),
    ),
  );
  rows.forEach((row) =>
    Object.assign(row.details!, { payments: seeded.count, seedSeconds: seeded.seconds }),
  );
  return { rows, profileFile: await stopProfile?.() };
}

/**
 * Pages read back to back on `connections` connections: one at a time says how long a page takes;
 * several share the machine's cores with PostgreSQL and the load generator, and say how many.
 */
async function load(
  service: ServiceProcess,
  name: string,
  connections: number,
  options: ListPaymentsOptions,
  path: () => string,
  targetP99Ms?: number,
): Promise<ScenarioRow> {
  const run = await cannon({
    url: service.url,
    method: 'GET',
    connections,
    warmupSeconds: 1,
    durationSeconds: options.secondsPerShape,
    headers: service.auth,
    next: () => ({ path: path() }),
    okStatus: 200,
  });
  const throughput = (run.ok * 1000) / run.elapsedMs;
  const l = run.latencies.summary();
  const errors = run.failures.total + run.result.errors + run.result.timeouts;
  options.log(
    `  ${name}, c=${connections}: ${throughput.toFixed(0)} pages/s, p50 ${l.p50.toFixed(1)} ms, ` +
      `p99 ${l.p99.toFixed(1)} ms, ${errors} errors`,
  );
  return {
    name: `6 GET /v1/payments, ${name}, c=${connections}`,
    unit: 'pages/s',
    throughput,
    ...l,
    errors,
    reference: null,
    ratio: null,
    target: targetP99Ms === undefined ? null : `p99 < ${targetP99Ms} ms`,
    met: targetP99Ms === undefined ? null : l.p99 < targetP99Ms && errors === 0,
    details: { pageSize: PAGE, pages: run.ok, failures: run.failures.toJSON() },
  };
}

/**
 * A million payments (or `count`), in one statement per 100,000; then VACUUM ANALYZE, as
 * autovacuum would soon after: it also empties the metadata index's pending list, which until
 * then every metadata query reads through (2-17 ms against 0.3-1.7 ms a query, measured).
 */
async function seed(
  service: ServiceProcess,
  count: number,
  log: (line: string) => void,
): Promise<{ count: number; newest: number; seconds: number }> {
  log(`  writing ${count.toLocaleString('en')} payments into the service's database ...`);
  const started = performance.now();
  const newest = Date.now();
  const batch = 100_000;
  for (let from = 0; from < count; from += batch) {
    await service.db.query(
      `INSERT INTO payments (partner_reference_no, channel, amount_value, currency, status,
         external_id, request_body, channel_input, metadata, paid_at, created_at, updated_at)
       SELECT 'LIST-' || i, 'DANA', 10000 + (i % 90) * 1000, 'IDR', s.status,
         lpad(i::text, 20, '0'),
         '{"partnerReferenceNo":"LIST-' || i || '","amount":{"value":"15000.00","currency":"IDR"},"urlParams":[{"url":"https://shop.example/return","type":"PAY_RETURN","isDeeplink":"N"}],"additionalInfo":{"channel":"EMONEY_DANA_SNAP","order":{"title":"Kopi susu x2"}}}',
         '{"returnUrl":"https://shop.example/return","deviceId":"device12345"}'::jsonb,
         jsonb_build_object('customer', 'cust-' || (i % ${CUSTOMERS}), 'store', 'store-' || (i % 20)),
         CASE WHEN s.status = 'PAID' THEN t.at END, t.at, t.at
       FROM generate_series($1::int, $2::int) AS i
       CROSS JOIN LATERAL (SELECT to_timestamp(($3::float8 - i::float8 * ${SPACING_MS}) / 1000) AS at) t
       CROSS JOIN LATERAL (SELECT (ARRAY[${STATUSES.map((x) => `'${x}'`).join(',')}])[1 + i % ${STATUSES.length}] AS status) s`,
      [from, Math.min(count, from + batch) - 1, newest],
    );
  }
  await service.db.query('VACUUM ANALYZE payments');
  // The million's pages written out now, not by the checkpointer while pages are being read.
  await service.db.query('CHECKPOINT');
  const seconds = (performance.now() - started) / 1000;
  log(`  written in ${seconds.toFixed(1)} s`);
  return { count, newest, seconds };
}

/** Cursors to start pages from, anywhere in the table: of any payment, and of EXPIRED ones. */
async function cursorPool(service: ServiceProcess): Promise<{ any: string[]; expired: string[] }> {
  const sample = async (where: string) =>
    (
      await service.db.query<{ id: string }>(
        `SELECT id FROM payments TABLESAMPLE SYSTEM (1) WHERE ${where} LIMIT 1000`,
      )
    ).map((r) => Buffer.from(r.id).toString('base64url'));
  return { any: await sample('true'), expired: await sample(`status = 'EXPIRED'`) };
}

/** The shape answers a full page, so that the load measures lists and not errors. */
async function expectFullPage(service: ServiceProcess, path: string): Promise<void> {
  const res = await fetch(`${service.url}${path}`, { headers: service.auth });
  const body = (await res.json()) as { items?: unknown[] };
  if (res.status !== 200 || body.items?.length !== PAGE)
    throw new Error(
      `${path} answered HTTP ${res.status} with ${body.items?.length ?? 'no'} items: ${JSON.stringify(body).slice(0, 300)}`,
    );
}
