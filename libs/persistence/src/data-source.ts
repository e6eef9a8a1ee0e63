import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DatabaseOptions {
  url: string;
  /** Connections in the pool. */
  poolSize?: number;
  applicationName?: string;
}

/**
 * Hot-path statements are prepared once per connection (repositories/prepared.ts), and by default
 * PostgreSQL keeps a generic plan after five runs, made for the table as it was then: on a new
 * database, a seq scan of a payments table a few rows long, still used when it holds thousands
 * (CPU growing with the table until autovacuum re-analyzes it). A plan made per run for the rows
 * and arrays at hand costs about 0.1 ms and never goes stale. Set in the URL's own `options`,
 * after any the URL gives: pg reads the URL's parameters over the pool's, so a separate setting
 * would be dropped by a DATABASE_URL carrying `options` (a statement_timeout, a search_path).
 */
function withCustomPlans(url: string): string {
  const parsed = new URL(url);
  const given = parsed.searchParams.get('options');
  const setting = '-c plan_cache_mode=force_custom_plan';
  parsed.searchParams.set('options', given ? `${given} ${setting}` : setting);
  return parsed.toString();
}

export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: withCustomPlans(options.url),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    logging: false,
    extra: {
      max: options.poolSize ?? 20,
      application_name: options.applicationName ?? 'doku-payments',
      // A dead database must fail a request, not hang it.
      connectionTimeoutMillis: 5_000,
    },
  });
}

/** Any fixed number: the key of the session lock every migrating process takes. */
const MIGRATIONS_LOCK_KEY = 4_711_202_611;

/**
 * Applies pending migrations; returns the names applied. Processes starting together (an API
 * and a worker, replicas) take turns under a PostgreSQL advisory lock: without it, both see the
 * same migration pending, and the second fails on what the first created.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock($1)`, [MIGRATIONS_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query(`SELECT pg_advisory_unlock($1)`, [MIGRATIONS_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}
