import { Inject, Injectable, Logger } from '@nestjs/common';
import { RefundsRepository } from '@app/persistence';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { RefundQueue } from './refund-queue';

/**
 * Finds open refunds nobody is moving (never enqueued, job failed after its attempts, worker died
 * mid-call) and gives each a live job again. Runs on the refunds queue's schedule
 * (RefundSweepSchedule).
 */
@Injectable()
export class RefundSweeper {
  private readonly logger = new Logger('RefundSweeper');

  constructor(
    private readonly refunds: RefundsRepository,
    private readonly queue: RefundQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sweepOnce(now = Date.now()): Promise<{ looked: number; revived: number }> {
    const stale = await this.refunds.findStale(new Date(now - this.config.refundStaleMs), 200);
    let revived = 0;
    for (const refund of stale) {
      const action = await this.queue.ensureJob(refund.id);
      if (action !== 'alive') {
        revived++;
        this.logger.log(
          { refundId: refund.id, status: refund.status, action },
          'stale refund given a live job',
        );
      }
    }
    return { looked: stale.length, revived };
  }
}
