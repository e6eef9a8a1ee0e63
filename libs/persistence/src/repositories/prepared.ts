import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import type { StatementInput } from '../statements/input';
import { rowsInOrder } from './rows';

/**
 * A statement on a hot path: PostgreSQL parses it once per connection, not per call (and plans it
 * per call, for the arrays it is given: see plan_cache_mode in data-source.ts).
 */
export interface PreparedStatement {
  /** Unique per text within the process. */
  name: string;
  text: string;
}

/**
 * Runs `statement` as a named prepared statement on the data source's own pool (TypeORM's
 * query() cannot name one): PostgreSQL parses and rewrites it once per connection. List result
 * columns instead of `*`, so that a column added by a later migration does not change a result
 * type already prepared.
 */
export async function runPrepared<R extends QueryResultRow = Record<string, unknown>>(
  dataSource: DataSource,
  statement: PreparedStatement,
  values: unknown[],
): Promise<R[]> {
  const pool = poolOf(dataSource);
  const result = await pool.query<R>({ name: statement.name, text: statement.text, values });
  return result.rows;
}

/**
 * The pg pool under a TypeORM data source (TypeORM keeps it unexposed, as `driver.master`): the one
 * place this code reads it, for named prepared statements, the pool's error events and its size.
 */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/**
 * A grouped statement for `items`: one array per input column in, and each item's returned row
 * (by its key, the statement's `id` column) out, undefined where none came back.
 */
export async function runGrouped<Item, R extends QueryResultRow = Record<string, unknown>>(
  dataSource: DataSource,
  statement: PreparedStatement,
  input: StatementInput<Item>,
  items: readonly Item[],
): Promise<(R | undefined)[]> {
  const rows = await runPrepared<R>(dataSource, statement, input.arrays(items));
  return rowsInOrder(
    items.map((item) => input.keyOf(item)),
    rows,
  );
}
