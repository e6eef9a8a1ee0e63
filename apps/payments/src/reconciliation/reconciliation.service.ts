import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '@app/doku-snap';
import { PaymentEntity, PaymentsRepository } from '@app/persistence';
import { CLOCK } from '../config/tokens';
import { MetricsService } from '../metrics/metrics.service';
import { PaymentStatusService } from '../settlement/payment-status.service';
import { checkShowsUnpaid, expiryDeadline } from './expiry';
import { RECONCILIATION_OPTIONS, ReconciliationOptions } from './reconciliation.options';

export type ReconciliationVerdict = 'settled' | 'expired' | 'pending' | 'error';

export interface ReconciliationRun {
  claimed: number;
  settled: number;
  expired: number;
  pending: number;
  errors: number;
}

/**
 * Settles payments whose notification never came: asks DOKU's check status about PENDING payments
 * (the same code path as POST /v1/payments/:id/status-check), and expires those past their
 * deadline once a last check shows they did not succeed.
 */
@Injectable()
export class ReconciliationService {
  private readonly logger = new Logger('Reconciliation');

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly statuses: PaymentStatusService,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * One bounded run. `nowMs` decides which payments are old enough and which are past their
   * deadline, so a test can run it as if time had moved on; claims are leased on the database's
   * clock.
   */
  async runOnce(nowMs: number = this.clock.now()): Promise<ReconciliationRun> {
    const o = this.options;
    const claimed = await this.payments.claimForReconciliation(
      new Date(nowMs - o.minAgeMs),
      o.recheckAfterMs,
      o.batchSize,
    );
    const run: ReconciliationRun = {
      claimed: claimed.length,
      settled: 0,
      expired: 0,
      pending: 0,
      errors: 0,
    };
    const verdicts = await inPool(claimed, o.concurrency, (payment) =>
      this.reconcile(payment, nowMs),
    );
    for (const verdict of verdicts) {
      if (verdict === 'error') run.errors++;
      else run[verdict]++;
      this.metrics.reconciledPayments.inc({ verdict });
    }
    if (run.claimed > 0) {
      this.metrics.reconciliationRuns.inc();
      this.logger.log(run, 'reconciliation run');
    }
    return run;
  }

  private async reconcile(payment: PaymentEntity, nowMs: number): Promise<ReconciliationVerdict> {
    try {
      const outcome = await this.statuses.check(payment, 'reconciliation');
      if (outcome.changed) return 'settled';
      const deadline = expiryDeadline(payment, this.options.maxAgeMs);
      if (nowMs < deadline.atMs + this.options.expiryGraceMs) return 'pending';
      if (!checkShowsUnpaid(outcome)) {
        if (outcome.reported?.state === 'PAID') {
          // check() refused to mark it paid (amount differs): a person must look, not a timer.
          this.logger.warn(
            { paymentId: payment.id },
            'past its deadline, DOKU reports it paid, not applied; left PENDING',
          );
        }
        return 'pending';
      }
      const result = await this.payments.changeStatus(payment.id, {
        to: 'EXPIRED',
        source: 'reconciliation',
        detail: {
          reason: deadline.reason,
          deadline: new Date(deadline.atMs).toISOString(),
          latestTransactionStatus: outcome.reported?.latestTransactionStatus ?? null,
          responseCode: outcome.answer.result?.responseCode ?? null,
        },
      });
      // Not changed: a notification settled it between the check and now, which is fine.
      if (!result.changed) return 'settled';
      this.logger.log(
        {
          paymentId: payment.id,
          deadline: new Date(deadline.atMs).toISOString(),
          reason: deadline.reason,
        },
        'payment expired: past its deadline, and DOKU reports it unpaid',
      );
      return 'expired';
    } catch (err) {
      this.logger.error({ paymentId: payment.id, err }, 'reconciliation of a payment failed');
      return 'error';
    }
  }
}

/** Maps `items` through `fn` with at most `size` calls in flight; results in input order. */
async function inPool<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, lane));
  return results;
}
