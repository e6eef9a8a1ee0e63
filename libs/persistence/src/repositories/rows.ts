import type { ObjectLiteral, Repository } from 'typeorm';

/**
 * Builds an entity from a raw row of its table (`RETURNING` its columns, or a join whose columns
 * carry `prefix`), so that hot paths can write and read back in one hand-written statement.
 */
export function entityFromRow<T extends ObjectLiteral>(
  repository: Repository<T>,
  row: Record<string, unknown>,
  prefix = '',
): T {
  const entity = repository.create();
  for (const column of repository.metadata.columns) {
    (entity as Record<string, unknown>)[column.propertyName] = row[prefix + column.databaseName];
  }
  return entity;
}

/** Every column of the entity's table as `alias.column AS "<prefix>column"`, for RETURNING and joins. */
export function columnList<T extends ObjectLiteral>(
  repository: Repository<T>,
  alias: string,
  prefix = '',
): string {
  return repository.metadata.columns
    .map((c) => `${alias}.${c.databaseName} AS "${prefix}${c.databaseName}"`)
    .join(', ');
}

/** A grouped statement's input: `[column, type]` per column, each passed as one array. */
export type InputColumns = readonly (readonly [string, string])[];

/** `unnest($1::type[], ...) AS i(column, ...)`: one input row per item of a grouped statement. */
export function unnestInput(columns: InputColumns): string {
  const arrays = columns.map(([, type], n) => `$${n + 1}::${type}[]`).join(', ');
  return `unnest(${arrays}) AS i(${columns.map(([name]) => name).join(', ')})`;
}

/** The statement's parameters for `items` (each in the columns' order): one array per column. */
export function columnArrays(columns: InputColumns, items: readonly unknown[][]): unknown[][] {
  return columns.map((_, column) => items.map((item) => item[column]));
}

/** Each key's row (by its `id` column) in the order of `keys`; undefined where none came back. */
export function rowsInOrder<R extends Record<string, unknown>>(
  keys: readonly unknown[],
  rows: R[],
): (R | undefined)[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return keys.map((key) => byId.get(key));
}
