import { Injectable, Logger } from '@nestjs/common';
import { DuplicateKeyError, RefundsRepository } from '@app/persistence';
import { RefundRefusedError } from './refund-acceptance';
import { RefundIntake } from './refund-intake';
import { leftToRefund } from './refundable';

/** One payment's late money has one refund: its number comes from the payment. */
const latePartnerRefundNo = (paymentId: string) => `LATE-${paymentId.replace(/-/g, '')}`;

/**
 * Refunds the money DOKU took on a payment the books could not take it on (the settlement's
 * policy or a person asked for it): all that is left of what DOKU took, through the refund
 * pipeline. Safe to run again: the refund's number is the payment's, so a second run finds it.
 */
@Injectable()
export class LatePaymentRefund {
  private readonly logger = new Logger('LatePaymentRefund');

  constructor(
    private readonly refunds: RefundsRepository,
    private readonly intake: RefundIntake,
  ) {}

  async run(paymentId: string): Promise<string> {
    const payment = await this.refunds.refundablePayment(paymentId);
    if (!payment) return 'MISSING';
    const left = leftToRefund(payment);
    if (left === undefined || left === '0.00') return 'NOTHING_LEFT';
    try {
      const { refund } = await this.intake.take({
        paymentId,
        amountValue: left,
        currency: payment.currency,
        reason: 'Paid at DOKU after the payment was closed, or another amount: returned',
        partnerRefundNo: latePartnerRefundNo(paymentId),
      });
      this.logger.log({ refundId: refund.id, amount: refund.amountValue }, 'late payment refunded');
      return refund.id;
    } catch (err) {
      // Taken before (a second run), or nothing left to take since: either way, done.
      if (err instanceof DuplicateKeyError || err instanceof RefundRefusedError) return 'DONE';
      throw err;
    }
  }
}
