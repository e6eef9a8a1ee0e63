import type { ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';

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

/**
 * The row as one jsonb, by column name, `omit` left out: numerics as text (as the driver reads
 * them, "10000.00"), times as ISO strings. What an event keeps of the payment or refund it reports.
 */
export function snapshotOf<T extends ObjectLiteral>(
  repository: Repository<T>,
  alias: string,
  omit: readonly string[] = [],
): string {
  const pairs = repository.metadata.columns
    .filter((c) => !omit.includes(c.databaseName))
    .map(
      (c) =>
        `'${c.databaseName}', ${alias}.${c.databaseName}${c.type === 'numeric' ? '::text' : ''}`,
    );
  return `jsonb_build_object(${pairs.join(', ')})`;
}

/** The entity a snapshot (snapshotOf) was taken of; columns it left out are undefined. */
export function entityFromSnapshot<T extends ObjectLiteral>(
  repository: Repository<T>,
  snapshot: Record<string, unknown>,
): T {
  const entity = repository.create();
  for (const column of repository.metadata.columns) {
    const value = snapshot[column.databaseName];
    const time = String(column.type).startsWith('timestamp') && typeof value === 'string';
    (entity as Record<string, unknown>)[column.propertyName] = time ? new Date(value) : value;
  }
  return entity;
}

/** Each key's row (by its `id` column) in the order of `keys`; undefined where none came back. */
export function rowsInOrder<R extends Record<string, unknown>>(
  keys: readonly unknown[],
  rows: R[],
): (R | undefined)[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return keys.map((key) => byId.get(key));
}

/** Rows after the row `after` in a newest-first list (its created_at to the microsecond). */
export function olderThan<T extends ObjectLiteral>(
  repository: Repository<T>,
  q: SelectQueryBuilder<T>,
  alias: string,
  after: string | undefined,
): SelectQueryBuilder<T> {
  if (after === undefined) return q;
  return q.andWhere(
    `(${alias}.created_at, ${alias}.id) < (SELECT c.created_at, c.id FROM ${repository.metadata.tableName} c WHERE c.id = :after)`,
    { after },
  );
}

/**
 * One page of a list, newest first: ordered by created_at and id, after the row `after` (its
 * created_at read in the same statement, to the microsecond), `limit` rows at most. Read as raw
 * rows and built by entityFromRow: TypeORM's own hydration was a sixth of a page's CPU.
 */
export async function keysetPage<T extends ObjectLiteral>(
  repository: Repository<T>,
  q: SelectQueryBuilder<T>,
  alias: string,
  after: string | undefined,
  limit: number,
): Promise<T[]> {
  olderThan(repository, q, alias, after);
  const rows = await q
    .select(columnList(repository, alias))
    .orderBy(`${alias}.created_at`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .limit(limit)
    .getRawMany<Record<string, unknown>>();
  return rows.map((row) => entityFromRow(repository, row));
}
