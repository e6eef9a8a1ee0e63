import type { PreparedStatement } from '../repositories/prepared';
import { statementInput } from './input';
import { refundChangeRows, refundEventRows } from './status-changes';

/** Joined payment columns carry this prefix in a refund's row. */
export const PAYMENT_PREFIX = 'payment__';
const OPEN = `status IN ('PENDING', 'PROCESSING')`;

/** One refund as the accept statement writes it, with its outbox job. */
export interface RefundAcceptItem {
  id: string;
  paymentId: string;
  partnerRefundNo: string;
  amountValue: string;
  currency: string;
  reason: string | null;
  /** JSON text: the caller's metadata. */
  metadata: string;
  outboxId: string;
  queue: string;
  jobName: string;
  jobId: string;
  /** JSON text. */
  jobData: string;
}

export const ACCEPT_INPUT = statementInput<RefundAcceptItem>({
  id: 'id uuid',
  paymentId: 'payment_id uuid',
  partnerRefundNo: 'partner_refund_no text',
  amountValue: 'amount_value numeric',
  currency: 'currency text',
  reason: 'reason text',
  metadata: 'metadata jsonb',
  outboxId: 'outbox_id uuid',
  queue: 'queue text',
  jobName: 'job_name text',
  jobId: 'job_id text',
  jobData: 'job_data jsonb',
});

/** A refund's DOKU request as the API fixes it right after the accept. */
export interface RefundFixItem {
  refundId: string;
  partnerId: string;
  jakartaDay: string;
  externalId: string;
  requestBody: string;
}

export const FIX_INPUT = statementInput<RefundFixItem>({
  refundId: 'refund_id uuid',
  partnerId: 'partner_id text',
  jakartaDay: 'jakarta_day date',
  externalId: 'external_id text',
  requestBody: 'request_body text',
});

/** A refund settled as done, and what settled it. */
export interface RefundSuccessItem {
  id: string;
  refundNo: string | null;
  source: string;
}

export const SUCCESS_INPUT = statementInput<RefundSuccessItem>({
  id: 'id uuid',
  refundNo: 'refund_no text',
  source: 'source text',
});

/**
 * The statements of a refund's life, given the column lists they return. Each that moves a refund
 * names the status before (`was`): from a row lock taken first when the refund may be in either
 * open status, so that the history says what was there.
 */
export function refundStatements(
  refundAs: (alias: string) => string,
  payment: string,
  snapshot: (alias: string) => string,
) {
  const refund = refundAs('refunds');
  /** Locks the open refunds among `ids` (in one order: two statements never wait on each other). */
  const lockOpen = (ids: string, extra = '') =>
    `SELECT r.id, r.status FROM refunds r WHERE r.id = ANY(${ids}) AND r.${OPEN} ${extra}
  ORDER BY r.id FOR UPDATE`;
  /** `claimed`: the open refunds among `ids` taken for a call, each attempt counted. */
  const claimOpen = (ids: string, extra: string) => `prev AS (
  ${lockOpen(ids, extra)}
), claimed AS (
  UPDATE refunds r SET status = 'PROCESSING', processing_started_at = now(),
    attempts = r.attempts + 1, updated_at = now()
  FROM prev WHERE r.id = prev.id
  RETURNING ${refundAs('r')}, prev.status AS was
), change AS (
  ${refundChangeRows('claimed', `'worker'`)}
)`;
  return {
    /** Refunds of distinct payments, together: one row lock and one commit per payment. */
    accept: {
      name: 'refund-accept',
      text: `
WITH input AS (
  SELECT * FROM ${ACCEPT_INPUT.unnest}
), payment AS (
  UPDATE payments p
  SET refund_committed_amount = p.refund_committed_amount + i.amount_value, updated_at = now()
  FROM input i
  WHERE p.id = i.payment_id AND p.currency = i.currency
    -- PAID, or money DOKU took that the books could not take as it came (paid late, another
    -- amount): refunds return at most what was paid.
    AND (p.status = 'PAID' OR p.doku_paid_amount IS NOT NULL)
    AND p.refund_committed_amount + i.amount_value
      <= least(p.amount_value, coalesce(p.doku_paid_amount, p.amount_value))
  RETURNING i.id AS refund_id, p.partner_reference_no, p.external_id, p.channel, p.reference_no,
    p.channel_input
), refund AS (
  -- Only the refund whose amount the payment took: were two of one payment in the statement,
  -- PostgreSQL would update the payment with one of them, and the other must not be inserted.
  INSERT INTO refunds (id, payment_id, partner_refund_no, amount_value, currency, reason, metadata,
    status, attempts)
  SELECT i.id, i.payment_id, i.partner_refund_no, i.amount_value, i.currency, i.reason, i.metadata,
    'PENDING', 0
  FROM input i JOIN payment ON payment.refund_id = i.id
  RETURNING ${refund}, NULL::varchar AS was
), change AS (
  ${refundChangeRows('refund', `'api'`)}
), job AS (
  INSERT INTO outbox_jobs (id, queue, name, job_id, data)
  SELECT i.outbox_id, i.queue, i.job_name, i.job_id, i.job_data
  FROM input i JOIN refund ON refund.id = i.id
)
SELECT refund.*, payment.partner_reference_no AS "${PAYMENT_PREFIX}partner_reference_no",
  payment.external_id AS "${PAYMENT_PREFIX}external_id", payment.channel AS "${PAYMENT_PREFIX}channel",
  payment.reference_no AS "${PAYMENT_PREFIX}reference_no",
  payment.channel_input AS "${PAYMENT_PREFIX}channel_input"
FROM refund JOIN payment ON payment.refund_id = refund.id`,
    },
    /** What decides whether a payment takes a refund. */
    refundablePayment: {
      name: 'refund-refundable-payment',
      text: `SELECT status, channel, currency, amount_value, refund_committed_amount, doku_paid_amount
FROM payments WHERE id = $1`,
    },
    withPayment: {
      name: 'refund-with-payment',
      text: `SELECT ${refundAs('r')}, ${payment}
FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id = $1`,
    },
    /** The API fixes requests right after their accepts (no status change: still PENDING). */
    fixRequests: {
      name: 'refund-fix-requests',
      text: `
WITH input AS (
  SELECT * FROM ${FIX_INPUT.unnest}
), ext AS (
  INSERT INTO external_ids (partner_id, jakarta_day, external_id, purpose, subject_id)
  SELECT partner_id, jakarta_day, external_id, 'refund', refund_id FROM input
  ON CONFLICT DO NOTHING
  RETURNING external_id, subject_id
)
UPDATE refunds r SET request_body = i.request_body, external_id = ext.external_id, updated_at = now()
FROM input i JOIN ext ON ext.subject_id = i.refund_id
WHERE r.id = i.refund_id AND r.status = 'PENDING' AND r.external_id IS NULL
RETURNING r.id`,
    },
    /** The first claim: the X-EXTERNAL-ID is reserved and the request fixed, or nothing happens. */
    fixAndClaim: {
      name: 'refund-fix-and-claim',
      text: `
WITH ext AS (
  INSERT INTO external_ids (partner_id, jakarta_day, external_id, purpose, subject_id)
  VALUES ($3, $4, $5, 'refund', $1)
  ON CONFLICT DO NOTHING
  RETURNING external_id
), claimed AS (
  UPDATE refunds r SET status = 'PROCESSING', request_body = $2, external_id = ext.external_id,
    processing_started_at = now(), attempts = r.attempts + 1, updated_at = now()
  FROM ext
  WHERE r.id = $1 AND r.status = 'PENDING' AND r.external_id IS NULL
  RETURNING ${refundAs('r')}, 'PENDING'::varchar AS was
), change AS (
  ${refundChangeRows('claimed', `'worker'`)}
)
SELECT * FROM claimed`,
    },
    /** A claim of a refund whose request is fixed: the attempt counted and the payment read, at once. */
    claimFixed: {
      name: 'refund-claim-fixed',
      text: `
WITH ${claimOpen('$1::uuid[]', 'AND r.external_id IS NOT NULL AND r.request_body IS NOT NULL')}
SELECT claimed.*, ${payment} FROM claimed JOIN payments p ON p.id = claimed.payment_id`,
    },
    reclaim: {
      name: 'refund-reclaim',
      text: `
WITH ${claimOpen('ARRAY[$1::uuid]', 'AND r.external_id IS NOT NULL')}
SELECT * FROM claimed`,
    },
    succeeded: {
      name: 'refund-succeeded',
      text: `
WITH input AS (
  SELECT * FROM ${SUCCESS_INPUT.unnest}
), prev AS (
  ${lockOpen('$1::uuid[]')}
), refund AS (
  UPDATE refunds r SET status = 'SUCCEEDED', refund_no = i.refund_no, failure_code = NULL,
    failure_message = NULL, completed_at = now(), updated_at = now(), attention_reason = NULL
  FROM input i JOIN prev ON prev.id = i.id
  WHERE r.id = i.id
  RETURNING ${refundAs('r')}, prev.status AS was, i.source
), change AS (
  ${refundChangeRows('refund', 'source', `jsonb_strip_nulls(jsonb_build_object('refundNo', refund_no))`)}
), event AS (
  ${refundEventRows('refund', snapshot)}
), paid AS (
  -- Per payment: two refunds of one payment settled together both count.
  SELECT payment_id, sum(amount_value) AS amount FROM refund GROUP BY payment_id
), payment AS (
  UPDATE payments p SET refunded_amount = p.refunded_amount + paid.amount, updated_at = now()
  FROM paid WHERE p.id = paid.payment_id
)
SELECT * FROM refund`,
    },
    /** A FAILED refund gives its amount back to what the payment can still refund. */
    failed: {
      name: 'refund-failed',
      text: `
WITH prev AS (
  ${lockOpen('ARRAY[$1::uuid]')}
), refund AS (
  UPDATE refunds r SET status = 'FAILED', failure_code = $2, failure_message = $3,
    completed_at = now(), updated_at = now(), attention_reason = NULL
  FROM prev WHERE r.id = prev.id
  RETURNING ${refundAs('r')}, prev.status AS was
), change AS (
  ${refundChangeRows('refund', `'doku_refund'`, `jsonb_build_object('failureCode', failure_code)`)}
), event AS (
  ${refundEventRows('refund', snapshot)}
), payment AS (
  UPDATE payments p
  SET refund_committed_amount = p.refund_committed_amount - refund.amount_value, updated_at = now()
  FROM refund WHERE p.id = refund.payment_id
)
SELECT * FROM refund`,
    },
  } satisfies Record<string, PreparedStatement>;
}
