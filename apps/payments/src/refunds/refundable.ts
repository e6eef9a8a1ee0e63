import { fromMinorUnits, toMinorUnits } from '../common/money';

/** What of a payment its refunds may return, as the refund accept statement reads it. */
export interface RefundableFacts {
  status: string;
  amountValue: string;
  refundCommittedAmount: string;
  /** What DOKU reported paid when the books could not take it as it came. */
  dokuPaidAmount: string | null;
}

/**
 * What is left to refund: for a PAID payment, or one DOKU took money for that the books could
 * not take (paid late, another amount), the least of its amount and what DOKU took, less the
 * refunds not FAILED. Undefined for a payment that takes no refund.
 */
export function leftToRefund(payment: RefundableFacts): string | undefined {
  const most = returnable(payment);
  if (most === undefined) return undefined;
  const left = most - toMinorUnits(payment.refundCommittedAmount);
  return fromMinorUnits(left > 0n ? left : 0n);
}

/** In minor units, what refunds may return in all; undefined when the payment takes none. */
function returnable(payment: RefundableFacts): bigint | undefined {
  if (payment.status !== 'PAID' && payment.dokuPaidAmount === null) return undefined;
  const amount = toMinorUnits(payment.amountValue);
  const took = payment.dokuPaidAmount === null ? amount : toMinorUnits(payment.dokuPaidAmount);
  return took < amount ? took : amount;
}

/** Refunds have returned all the payment took: its refunded amount reached what it may return. */
export function fullyRefunded(payment: RefundableFacts & { refundedAmount: string }): boolean {
  const most = returnable(payment);
  const refunded = toMinorUnits(payment.refundedAmount);
  return most !== undefined && refunded > 0n && refunded >= most;
}
