import type { PreparedStatement } from '../repositories/prepared';
import { statementInput } from './input';
import { attentionEventRows, paymentChangeRows, paymentEventRows } from './status-changes';

/** One payment as the create statement writes it. */
export interface PaymentCreateItem {
  id: string;
  partnerId: string;
  jakartaDay: string;
  externalId: string;
  partnerReferenceNo: string;
  channel: string;
  amountValue: string;
  currency: string;
  validUpTo: string | null;
  /** JSON text. */
  channelInput: string;
  /** JSON text: the caller's metadata. */
  metadata: string;
  requestBody: string;
  idempotencyKey: string | null;
  /** How long its first submission to DOKU may take: a retry meanwhile does not resume it. */
  submitLeaseMs: number;
}

export const CREATE_INPUT = statementInput<PaymentCreateItem>({
  id: 'id uuid',
  partnerId: 'partner_id text',
  jakartaDay: 'jakarta_day date',
  externalId: 'external_id text',
  partnerReferenceNo: 'partner_reference_no text',
  channel: 'channel text',
  amountValue: 'amount_value numeric',
  currency: 'currency text',
  validUpTo: 'valid_up_to text',
  channelInput: 'channel_input jsonb',
  metadata: 'metadata jsonb',
  requestBody: 'request_body text',
  idempotencyKey: 'idempotency_key text',
  submitLeaseMs: 'submit_lease_ms int',
});

/** What recording DOKU's answer writes for one payment (null: keep what is stored). */
export interface PaymentAnswerItem {
  id: string;
  redirectUrl: string | null;
  referenceNo: string | null;
  externalId: string | null;
  /** JSON text: what the customer needs to pay (virtual account ...). */
  instructions: string | null;
}

export const ANSWER_INPUT = statementInput<PaymentAnswerItem>({
  id: 'id uuid',
  redirectUrl: 'redirect_url text',
  referenceNo: 'reference_no text',
  externalId: 'external_id text',
  instructions: 'instructions jsonb',
});

/**
 * The statements of a payment's life, given its columns as `alias.column AS "column"` and a
 * payment row as the jsonb its events keep.
 */
export function paymentStatements(
  paymentAs: (alias: string) => string,
  snapshot: (alias: string) => string,
) {
  const stored = CREATE_INPUT.names(['partner_id', 'jakarta_day', 'submit_lease_ms']);
  return {
    /**
     * Payments created together, one row each: their X-EXTERNAL-IDs, the payments and their first
     * status changes, in one statement (data-modifying CTEs run in one snapshot: all or nothing). A
     * payment whose id was taken that day gets no row back and draws again.
     */
    create: {
      name: 'payment-create',
      text: `
WITH input AS (
  SELECT * FROM ${CREATE_INPUT.unnest}
), ext AS (
  INSERT INTO external_ids (partner_id, jakarta_day, external_id, purpose, subject_id)
  SELECT partner_id, jakarta_day, external_id, 'payment', id FROM input
  ON CONFLICT DO NOTHING
  RETURNING partner_id, jakarta_day, external_id
), pay AS (
  INSERT INTO payments (${stored}, status, submitting_until)
  SELECT ${stored
    .split(', ')
    .map((c) => `i.${c}`)
    .join(', ')}, 'PENDING', now() + make_interval(secs => i.submit_lease_ms / 1000.0)
  FROM input i
  JOIN ext USING (partner_id, jakarta_day, external_id)
  RETURNING ${paymentAs('payments')}, NULL::varchar AS was
), change AS (
  ${paymentChangeRows('pay', `'api'`)}
)
SELECT * FROM pay`,
    },
    /** Only the fields DOKU gave replace what is stored. */
    recordAnswers: {
      name: 'payment-record-doku-answers',
      text: `UPDATE payments p SET redirect_url = coalesce(i.redirect_url, p.redirect_url),
  reference_no = coalesce(i.reference_no, p.reference_no),
  external_id = coalesce(i.external_id, p.external_id),
  instructions = coalesce(i.instructions, p.instructions), updated_at = now()
FROM ${ANSWER_INPUT.unnest}
WHERE p.id = i.id
RETURNING ${paymentAs('p')}`,
    },
    /**
     * Moves a PENDING payment to $2 and records the change, in one statement. The row lock is taken
     * first (a concurrent change waits, then this one sees its result), so `was` is the status the
     * change was decided on. A payment that does not move comes back as it is, `changed` false.
     */
    changeStatus: {
      name: 'payment-change-status',
      text: `
WITH current AS (
  SELECT ${paymentAs('payments')} FROM payments WHERE id = $1::uuid FOR UPDATE
), moved AS (
  UPDATE payments p SET status = $2::text,
    reference_no = coalesce(p.reference_no, $3::text),
    -- DOKU's paid time when it gives one, never later than this change (clocks drift).
    paid_at = CASE WHEN $2::text = 'PAID' THEN least(coalesce($4::timestamptz, now()), now())
      ELSE p.paid_at END,
    failure_code = CASE WHEN $5::boolean THEN $6::text ELSE p.failure_code END,
    failure_message = CASE WHEN $5::boolean THEN $7::text ELSE p.failure_message END,
    updated_at = now()
  FROM current c
  WHERE p.id = c.id AND c.status = 'PENDING' AND $2::text <> 'PENDING'
  RETURNING ${paymentAs('p')}, c.status AS was
), change AS (
  ${paymentChangeRows('moved', '$8::text', '$9::jsonb')}
), event AS (
  ${paymentEventRows('moved', snapshot)}
)
SELECT true AS changed, moved.* FROM moved
UNION ALL
SELECT false, c.*, c.status FROM current c WHERE NOT EXISTS (SELECT 1 FROM moved)`,
    },
    /**
     * A payment the books had closed (EXPIRED, FAILED, CANCELLED) becomes PAID: DOKU took the
     * money, and the late-payment policy (or an operator) accepts it. Recorded with its source.
     */
    reopenAsPaid: {
      name: 'payment-reopen-as-paid',
      text: `
WITH current AS (
  SELECT id, status FROM payments WHERE id = $1::uuid FOR UPDATE
), moved AS (
  UPDATE payments p SET status = 'PAID', paid_at = least(coalesce($2::timestamptz, now()), now()),
    reference_no = coalesce(p.reference_no, $3::text), failure_code = NULL, failure_message = NULL,
    updated_at = now()
  FROM current c
  WHERE p.id = c.id AND c.status IN ('EXPIRED', 'FAILED', 'CANCELLED')
  RETURNING ${paymentAs('p')}, c.status AS was
), change AS (
  ${paymentChangeRows('moved', '$4::text', '$5::jsonb')}
), event AS (
  ${paymentEventRows('moved', snapshot)}
)
SELECT * FROM moved`,
    },
    /**
     * Marks a payment for a person's attention (the first time's `since` kept), with what DOKU
     * reported paid when it is set.
     */
    markAttention: {
      name: 'payment-mark-attention',
      text: `
WITH current AS (
  SELECT id, attention_reason FROM payments WHERE id = $1::uuid FOR UPDATE
), marked AS (
  UPDATE payments p SET attention_reason = $2, attention_since = coalesce(p.attention_since, now()),
    attention_detail = $3::jsonb, doku_paid_amount = coalesce($4::numeric, p.doku_paid_amount),
    updated_at = now()
  FROM current c
  WHERE p.id = c.id
  RETURNING ${paymentAs('p')}, c.attention_reason AS was_reason
), event AS (
  ${attentionEventRows('marked', snapshot)}
)
SELECT * FROM marked`,
    },
    /**
     * A person resolved what the payment was marked for: the mark cleared, the resolution kept in
     * its detail and, with who and why, in the history.
     */
    resolveAttention: {
      name: 'payment-resolve-attention',
      text: `
WITH resolved AS (
  UPDATE payments SET attention_reason = NULL,
    attention_detail = coalesce(attention_detail, '{}'::jsonb) || jsonb_build_object('resolution', $2::jsonb),
    updated_at = now()
  WHERE id = $1::uuid AND attention_reason IS NOT NULL
  RETURNING ${paymentAs('payments')}
), change AS (
  INSERT INTO payment_status_changes (payment_id, from_status, to_status, source, detail)
  SELECT id, status, status, 'operator', $2::jsonb FROM resolved
)
SELECT * FROM resolved`,
    },
    /**
     * Claims up to $3 PENDING payments created at or before $1 and not claimed or checked in the
     * last $2 seconds, stamping last_status_check_at (a lease on the database's clock), never-checked
     * first. SKIP LOCKED keeps concurrent claims from waiting on, or taking, the same rows.
     */
    claimForReconciliation: {
      name: 'payment-claim-for-reconciliation',
      text: `UPDATE payments SET last_status_check_at = now()
WHERE id IN (
  SELECT id FROM payments
  WHERE status = 'PENDING' AND attention_reason IS NULL
    AND created_at <= $1
    AND (last_status_check_at IS NULL OR last_status_check_at <= now() - make_interval(secs => $2))
  ORDER BY last_status_check_at ASC NULLS FIRST, created_at ASC
  LIMIT $3
  FOR UPDATE SKIP LOCKED
)
RETURNING id`,
    },
  } satisfies Record<string, PreparedStatement>;
}
