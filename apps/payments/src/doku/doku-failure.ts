import { parseResponseCode, SnapResult } from '@app/doku-snap';
import { ApiError } from '../common/api-error';

/** DOKU's answer in a few words: its code (or HTTP status) and its message. */
export function dokuAnswer(result: SnapResult<unknown>): string {
  return `${result.responseCode ?? `HTTP ${result.httpStatus}`} ${result.responseMessage ?? ''}`.trim();
}

/** What the caller is told of a DOKU refusal, beside the ids of `subject`. */
function refusalDetails(
  result: SnapResult<unknown>,
  subject: Record<string, unknown>,
  fallback: string,
) {
  return [
    {
      message: result.responseMessage ?? fallback,
      dokuResponseCode: result.responseCode ?? null,
      dokuHttpStatus: result.httpStatus ?? null,
      ...subject,
    },
  ];
}

/**
 * A definitive DOKU rejection as the caller sees it: business refusals (403 limits, fraud,
 * not permitted; 404 account or merchant) are 422, anything else DOKU refused is 502.
 */
export function dokuRejection(
  result: SnapResult<unknown>,
  subject: Record<string, unknown>,
): ApiError {
  const code = parseResponseCode(result.responseCode);
  const business = code !== null && (code.httpStatus === 403 || code.httpStatus === 404);
  const details = refusalDetails(result, subject, 'DOKU refused the request');
  return business
    ? new ApiError(
        422,
        'PAYMENT_REJECTED',
        `DOKU refused the payment: ${result.responseMessage ?? result.responseCode}.`,
        details,
      )
    : new ApiError(
        502,
        'DOKU_REJECTED',
        `DOKU refused the request: ${dokuAnswer(result)}`,
        details,
      );
}

/**
 * DOKU refused a status inquiry: that says nothing of the payment (a cut-off, a merchant setting),
 * which keeps the status it had; never PAYMENT_REJECTED, which would read as a failed payment.
 */
export function dokuStatusCheckRefused(
  result: SnapResult<unknown>,
  subject: Record<string, unknown>,
): ApiError {
  return new ApiError(
    502,
    'DOKU_STATUS_CHECK_REFUSED',
    `DOKU refused the status check (${dokuAnswer(result)}); the payment keeps its status.`,
    refusalDetails(result, subject, 'DOKU refused the status check'),
  );
}

export function dokuUnavailable(subject: Record<string, unknown>, what: string): ApiError {
  return new ApiError(503, 'DOKU_UNAVAILABLE', `DOKU could not be reached: ${what}`, [
    { message: what, ...subject },
  ]);
}

/** DOKU may hold the payment, or not: it stays PENDING until its status is known. */
export function dokuOutcomeUnknown(subject: Record<string, unknown>, why: string): ApiError {
  return new ApiError(
    503,
    'DOKU_OUTCOME_UNKNOWN',
    "DOKU's answer leaves the outcome open. The payment stays PENDING until its status is known: send the same request again (the same body, and the same Idempotency-Key if it had one) to resume it, or read it later.",
    [{ message: why, ...subject }],
  );
}
