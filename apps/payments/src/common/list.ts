import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { validationFailed } from './api-error';
import { IsSnapTimestamp } from './validators';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What every page of the API takes: its size. */
export class PageQuery {
  @ApiPropertyOptional({ description: '1-100 items per page', default: 20 })
  @IsOptional()
  @Matches(/^(100|[1-9][0-9]?)$/, { message: 'limit must be a whole number from 1 to 100' })
  limit?: string;
}

/** What every list of payments or refunds takes: where to go on from, a window of creation times. */
export class ListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'The nextCursor of the page before' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'after must be a nextCursor this API gave' })
  after?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00+07:00', description: 'Created at or after' })
  @IsOptional()
  @IsSnapTimestamp()
  createdFrom?: string;

  @ApiPropertyOptional({ example: '2026-12-02T00:00:00+07:00', description: 'Created before' })
  @IsOptional()
  @IsSnapTimestamp()
  createdTo?: string;
}

/** A page of a list, newest first (documented per view by http/api-docs.ts pageOf). */
export interface Page<T> {
  items: T[];
  /** Pass as `after` for the next page; null on the last. */
  nextCursor: string | null;
  hasMore: boolean;
}

export const DEFAULT_PAGE = 20;

export const pageSize = (query: PageQuery): number =>
  query.limit ? Number(query.limit) : DEFAULT_PAGE;

/** The id the cursor names (opaque to callers: it may change form), or a 400 naming `after`. */
export function cursorId(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id))
    throw validationFailed([
      { field: 'after', message: 'after must be a nextCursor this API gave' },
    ]);
  return id;
}

/**
 * Runs a list for one more row than asked: whether there is more, and the cursor of the last one
 * given.
 */
export async function page<E extends { id: string }, V>(
  query: ListQuery,
  fetch: (after: string | undefined, limit: number) => Promise<E[]>,
  view: (entity: E) => V,
): Promise<Page<V>> {
  const limit = pageSize(query);
  const rows = await fetch(cursorId(query.after), limit + 1);
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  return {
    items: items.map(view),
    nextCursor: hasMore ? Buffer.from(items[items.length - 1].id).toString('base64url') : null,
    hasMore,
  };
}

/** The creation window of a list query, as dates. */
export function createdWindow(query: ListQuery): { createdFrom?: Date; createdTo?: Date } {
  return {
    createdFrom: query.createdFrom ? new Date(query.createdFrom) : undefined,
    createdTo: query.createdTo ? new Date(query.createdTo) : undefined,
  };
}
