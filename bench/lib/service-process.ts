import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { deleteRedisKeys } from '../../test/support/redis-keys';
import { Child, startNode } from './child';
import type { SimulatorProcess } from './simulator-process';

export const BENCH_API_KEY = 'bench-api-key-0123456789abcdef';

const ADMIN_URL =
  process.env.BENCH_DATABASE_ADMIN_URL ??
  process.env.TEST_DATABASE_ADMIN_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL =
  process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BenchDatabase {
  url: string;
  name: string;
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database of the benchmark's own (the service migrates it at start). */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `doku_bench_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as T[];
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      await client.end().catch(() => undefined);
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  url: string;
  pid: number;
  db: BenchDatabase;
  child: Child;
  bullmqPrefix: string;
  redisUrl: string;
  auth: Record<string, string>;
  /** Stops the service, drops its database and deletes its Redis keys. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  serviceMain: string;
  simulator: SimulatorProcess;
  env?: Record<string, string>;
  /** Extra node flags, e.g. `--require <profiler preload>`. */
  nodeArgs?: string[];
  /** Open an IPC channel to the service (the profiler's start and stop messages). */
  ipc?: boolean;
}

/**
 * The service as production runs it: `node dist/apps/payments/src/main.js` (from the benchmark's
 * build), ROLE=all, on a fresh database, pointed at the simulator with its credentials.
 */
export async function startService(options: ServiceOptions): Promise<ServiceProcess> {
  const db = await createBenchDatabase();
  const port = await freePort();
  const bullmqPrefix = `bench-${randomBytes(6).toString('hex')}`;
  const c = options.simulator.credentials;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: String(port),
    ROLE: 'all',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.url,
    REDIS_URL,
    BULLMQ_PREFIX: bullmqPrefix,
    API_KEYS: BENCH_API_KEY,
    DOKU_BASE_URL: options.simulator.url,
    DOKU_CLIENT_ID: c.clientId,
    DOKU_CLIENT_SECRET: c.clientSecret,
    DOKU_PRIVATE_KEY: c.merchantPrivateKeyPem,
    DOKU_PUBLIC_KEY: c.dokuPublicKeyPem,
    // One client address at full speed is what the benchmark is; the per-address limit would
    // measure itself. 0 turns it off.
    THROTTLE_LIMIT: '0',
    ...options.env,
  };
  // The heap cap `npm start` and the Dockerfile run with: V8 otherwise lets garbage pile up far
  // past the live heap (about 56 MB after a full GC under this load).
  const child = startNode(
    ['--max-old-space-size=160', ...(options.nodeArgs ?? []), options.serviceMain],
    env,
    options.ipc,
  );
  const url = `http://127.0.0.1:${port}`;
  const auth = { Authorization: `Bearer ${BENCH_API_KEY}` };
  const cleanup = async () => {
    await child.stop(15_000);
    await db.drop();
    await deleteRedisKeys(REDIS_URL, bullmqPrefix);
  };
  try {
    await waitUntilServing(url, auth, child, 60_000);
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }
  // The simulator's payment notifications go to this service.
  await options.simulator.configure({ merchantBaseUrl: url });
  return {
    url,
    pid: child.pid,
    db,
    child,
    bullmqPrefix,
    redisUrl: REDIS_URL,
    auth,
    close: cleanup,
  };
}

async function waitUntilServing(
  url: string,
  auth: Record<string, string>,
  child: Child,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`the service exited during start:\n${child.output()}`);
    try {
      const res = await fetch(`${url}/v1/payments?partnerReferenceNo=bench-ready-probe`, {
        headers: auth,
      });
      await res.arrayBuffer();
      if (res.status === 200) return;
      throw new Error(`readiness probe answered HTTP ${res.status}`);
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(
          `the service did not serve within ${timeoutMs} ms (${(err as Error).message}):\n${child.output()}`,
          { cause: err },
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Resident set size now and at its peak (VmHWM), in MiB, from /proc/<pid>/status (Linux). */
export function readRss(pid: number): { rssMb: number; hwmMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; reports the largest seen. */
export function sampleRss(pid: number, everyMs = 100): () => { peakRssMb: number; hwmMb: number } {
  let peak = readRss(pid)?.rssMb ?? 0;
  const timer = setInterval(() => {
    const now = readRss(pid);
    if (now && now.rssMb > peak) peak = now.rssMb;
  }, everyMs);
  return () => {
    clearInterval(timer);
    const last = readRss(pid);
    return { peakRssMb: Math.max(peak, last?.rssMb ?? 0), hwmMb: last?.hwmMb ?? Number.NaN };
  };
}
