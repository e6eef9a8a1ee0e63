import { parseSnapTimestamp } from '@app/doku-snap';
import type { PaymentEntity } from '@app/persistence';
import type { StatusCheckOutcome } from '../settlement/payment-status.service';

export interface ExpiryDeadline {
  atMs: number;
  reason: 'valid_up_to_passed' | 'max_age_exceeded';
}

/** Until when a PENDING payment may still succeed: its validUpTo, else creation plus the max age. */
export function expiryDeadline(payment: PaymentEntity, maxAgeMs: number): ExpiryDeadline {
  const validUpTo = payment.validUpTo ? parseSnapTimestamp(payment.validUpTo) : null;
  if (validUpTo !== null) return { atMs: validUpTo, reason: 'valid_up_to_passed' };
  return { atMs: payment.createdAt.getTime() + maxAgeMs, reason: 'max_age_exceeded' };
}

/**
 * True when the final status check is positive that the payment did not succeed: DOKU does not
 * know it, or knows it and reports it unfinished. An unanswered check (DOKU unreachable, token
 * trouble) or one reporting success proves nothing, and the payment is left for the next run.
 */
export function checkShowsUnpaid(outcome: StatusCheckOutcome): boolean {
  if (outcome.notFound) return true;
  const reported = outcome.reported;
  if (reported?.latestTransactionStatus === undefined) return false;
  return reported.state !== 'PAID';
}
