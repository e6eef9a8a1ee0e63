import { parseResponseCode } from './response-code';

/**
 * What a caller should do with a DOKU answer:
 * - `success`: done (2xx, or a 409 replay that carries a 2xx original).
 * - `in_progress`: DOKU accepted it but has not finished (202): poll status.
 * - `retry_later`: 5xx, 429, timeout, network error, unreadable body; resend the same
 *   X-EXTERNAL-ID and bytes, or check status, never a new transaction.
 * - `refresh_token`: 401xx01 / 401xx03: fetch a new token and send again.
 * - `check_status`: a 409 that is not a replay (409xx01 duplicate partnerReferenceNo or
 *   partnerRefundNo, "already processed"; 409xx00 an X-EXTERNAL-ID DOKU has seen): DOKU holds a
 *   transaction under this key, and this answer does not say what became of it. Never final and
 *   never a new transaction: ask check status (a payment's status, a refund's refundHistory).
 * - `failure`: a definitive rejection; retrying the same request will not help.
 */
export type OutcomeKind =
  'success' | 'in_progress' | 'retry_later' | 'refresh_token' | 'check_status' | 'failure';

export interface Outcome {
  kind: OutcomeKind;
  /** True when DOKU may have acted on the request even though we cannot tell (timeout, 5xx ...). */
  ambiguous: boolean;
  /** True when this answer is DOKU replaying the original response to a same-id, same-body resend. */
  replay: boolean;
}

export function classifyTransportError(): Outcome {
  return { kind: 'retry_later', ambiguous: true, replay: false };
}

/** Classifies an HTTP answer from DOKU by its status and the body's `responseCode`. */
export function classifyResponse(httpStatus: number, responseCode: unknown): Outcome {
  const parsed = parseResponseCode(responseCode);
  if (httpStatus === 409 && parsed && parsed.httpStatus < 300) {
    // A deliberate resend: the body is the original answer.
    return { ...classifyByStatus(parsed.httpStatus, parsed.caseCode), replay: true };
  }
  if (!parsed && httpStatus >= 200 && httpStatus < 300) {
    // A 2xx whose body we cannot read: we cannot tell what DOKU did.
    return { kind: 'retry_later', ambiguous: true, replay: false };
  }
  return classifyByStatus(parsed ? parsed.httpStatus : httpStatus, parsed?.caseCode ?? '');
}

function classifyByStatus(status: number, caseCode: string): Outcome {
  const plain = (kind: OutcomeKind, ambiguous = false): Outcome => ({
    kind,
    ambiguous,
    replay: false,
  });
  if (status === 202) return plain('in_progress');
  if (status >= 200 && status < 300) return plain('success');
  if (status === 401 && (caseCode === '01' || caseCode === '03')) return plain('refresh_token');
  if (status === 429) return plain('retry_later');
  // Marking such a payment or refund failed would be wrong: DOKU may have done it (a timed-out
  // first call, resent on a later Jakarta day with a new X-EXTERNAL-ID, is answered 409xx01).
  if (status === 409) return plain('check_status', true);
  if (status >= 500) return plain('retry_later', true);
  return plain('failure');
}
