import { Injectable, Logger } from '@nestjs/common';
import { AcceptedRefund, OutboxRepository, RefundsRepository } from '@app/persistence';
import { Channels } from '../channels/channels';
import { ExternalIdService } from '../doku/external-id.service';
import { REFUND_JOB, REFUNDS_QUEUE } from '../queues/queue-names';
import { RefundAcceptance, RefundRefusedError, RefundToAccept } from './refund-acceptance';
import { refundJobId } from './refund-jobs';
import { RefundQueue } from './refund-queue';
import { refundRequestBody } from './refund-request';

/**
 * How a refund enters the pipeline, whoever asks (the API, the late-payment policy): accepted with
 * its outbox job in one statement, its DOKU request fixed, its job handed to the queue. Once
 * accepted it is owed: a failure of the later steps leaves it to the worker and the relay.
 */
@Injectable()
export class RefundIntake {
  private readonly logger = new Logger('Refunds');

  constructor(
    private readonly refunds: RefundsRepository,
    private readonly acceptance: RefundAcceptance,
    private readonly outbox: OutboxRepository,
    private readonly queue: RefundQueue,
    private readonly channels: Channels,
    private readonly externalIds: ExternalIdService,
  ) {}

  /** Throws RefundRefusedError or DuplicateKeyError when the refund is not accepted. */
  async take(input: RefundToAccept): Promise<AcceptedRefund> {
    // A channel DOKU offers no refund for (virtual accounts): nothing would ever return it.
    const payment = await this.refunds.refundablePayment(input.paymentId);
    if (payment && !this.channels.get(payment.channel).spec.refund)
      throw new RefundRefusedError('REFUND_NOT_SUPPORTED');
    const accepted = await this.acceptance.accept(input, {
      queue: REFUNDS_QUEUE,
      name: REFUND_JOB,
      jobId: refundJobId,
    });
    await this.fixRequest(accepted);
    await this.dispatch(accepted, input.requestId);
    return accepted;
  }

  /**
   * Fixes the refund's DOKU request (bytes and X-EXTERNAL-ID) before its job is queued: the
   * worker then claims and reads it in one statement. Best effort: the worker fixes it otherwise.
   */
  private async fixRequest({ refund, payment }: AcceptedRefund): Promise<void> {
    try {
      await this.refunds.fixRequest(
        refund.id,
        refundRequestBody(this.channels.get(payment.channel), refund, payment),
        this.externalIds.draw(),
        this.externalIds.today(),
      );
    } catch (err) {
      this.logger.warn(
        { refundId: refund.id, reason: (err as Error).message },
        'refund request not fixed at accept; its worker fixes it',
      );
    }
  }

  /** Accepted all the same when either step fails: the outbox relay queues the job later. */
  private async dispatch(
    { refund, outboxJobId }: AcceptedRefund,
    requestId?: string,
  ): Promise<void> {
    try {
      await this.queue.enqueue(refund.id, requestId);
    } catch (err) {
      this.logger.warn(
        { refundId: refund.id, reason: (err as Error).message },
        'refund accepted, queue unavailable; left to the outbox relay',
      );
      return;
    }
    try {
      await this.outbox.markDispatched(outboxJobId);
    } catch (err) {
      this.logger.warn(
        { refundId: refund.id, reason: (err as Error).message },
        'refund queued, its outbox row not marked; the relay will queue it again (a no-op)',
      );
    }
  }
}
