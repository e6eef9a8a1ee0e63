import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import { columnArrays, InputColumns, rowsInOrder } from './rows';

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
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const result = await pool.query<R>({ name: statement.name, text: statement.text, values });
  return result.rows;
}

/**
 * A grouped statement for `items` (each in the order of `columns`, its id first): one array per
 * column in, and each item's returned row (by its `id` column) out, undefined where none came back.
 */
export async function runGrouped<R extends QueryResultRow = Record<string, unknown>>(
  dataSource: DataSource,
  statement: PreparedStatement,
  columns: InputColumns,
  items: readonly unknown[][],
): Promise<(R | undefined)[]> {
  const rows = await runPrepared<R>(dataSource, statement, columnArrays(columns, items));
  return rowsInOrder(
    items.map((item) => item[0]),
    rows,
  );
}
