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

/** Each key's row (by its `id` column) in the order of `keys`; undefined where none came back. */
export function rowsInOrder<R extends Record<string, unknown>>(
  keys: readonly unknown[],
  rows: R[],
): (R | undefined)[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return keys.map((key) => byId.get(key));
}
