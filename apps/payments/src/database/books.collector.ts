import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { poolOf } from '@app/persistence';
import { DATA_SOURCE } from '../config/tokens';
import { MetricsService } from '../metrics/metrics.service';
import { withTimeout } from '../queues/deadline';

/** A scrape must answer even when PostgreSQL does not: the books get this long. */
const BOOKS_TIMEOUT_MS = 1_000;

interface Books {
  pending: string;
  payments_attention: string;
  refunds_attention: string;
  outbox: string;
  open_refunds: { status: string; n: number; oldest_s: number }[] | null;
}

/**
 * At each /metrics scrape, what an alert needs from the books: PENDING payments, open refunds by
 * status and the age of the oldest, what a person must look at, the outbox backlog (one query on
 * partial indexes); and the pool's connections in use. A query that fails or is slow drops the
 * gauges rather than showing stale numbers, and counts a failure.
 */
@Injectable()
export class BooksCollector {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {
    metrics.beforeScrape(() => this.collect());
  }

  async collect(): Promise<void> {
    const { books, databasePool } = this.metrics;
    const pool = poolOf(this.dataSource);
    databasePool.set({ state: 'total' }, pool.totalCount);
    databasePool.set({ state: 'idle' }, pool.idleCount);
    databasePool.set({ state: 'waiting' }, pool.waitingCount);
    books.openRefunds.reset();
    try {
      const [row] = (await withTimeout(
        this.dataSource.query(`SELECT
  (SELECT count(*) FROM payments WHERE status = 'PENDING') AS pending,
  (SELECT count(*) FROM payments WHERE attention_reason IS NOT NULL) AS payments_attention,
  (SELECT count(*) FROM refunds WHERE attention_reason IS NOT NULL) AS refunds_attention,
  (SELECT count(*) FROM outbox_jobs WHERE dispatched_at IS NULL) AS outbox,
  (SELECT json_agg(o) FROM (
     SELECT status, count(*) AS n, extract(epoch FROM now() - min(created_at)) AS oldest_s
     FROM refunds WHERE status IN ('PENDING', 'PROCESSING') GROUP BY status) o) AS open_refunds`),
        BOOKS_TIMEOUT_MS,
        'PostgreSQL',
      )) as Books[];
      books.pendingPayments.set(Number(row.pending));
      books.needingAttention.set({ kind: 'payment' }, Number(row.payments_attention));
      books.needingAttention.set({ kind: 'refund' }, Number(row.refunds_attention));
      books.outboxBacklog.set(Number(row.outbox));
      let oldest = 0;
      for (const open of row.open_refunds ?? []) {
        books.openRefunds.set({ status: open.status }, open.n);
        oldest = Math.max(oldest, open.oldest_s);
      }
      books.oldestOpenRefund.set(Math.round(oldest));
    } catch {
      books.pendingPayments.reset();
      books.needingAttention.reset();
      books.outboxBacklog.reset();
      books.oldestOpenRefund.reset();
      books.collectFailures.inc();
    }
  }
}
