import type { PreparedStatement } from '../repositories/prepared';
import { statementInput } from './input';
import { paymentChangeRows } from './status-changes';

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
  requestBody: string;
  idempotencyKey: string | null;
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
  requestBody: 'request_body text',
  idempotencyKey: 'idempotency_key text',
});

/** What recording DOKU's answer writes for one payment (null: keep what is stored). */
export interface PaymentAnswerItem {
  id: string;
  redirectUrl: string | null;
  referenceNo: string | null;
  externalId: string | null;
}

export const ANSWER_INPUT = statementInput<PaymentAnswerItem>({
  id: 'id uuid',
  redirectUrl: 'redirect_url text',
  referenceNo: 'reference_no text',
  externalId: 'external_id text',
});

/** The statements of a payment's life, given its columns as `alias.column AS "column"`. */
export function paymentStatements(paymentAs: (alias: string) => string) {
  const stored = CREATE_INPUT.names(['partner_id', 'jakarta_day']);
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
  INSERT INTO payments (${stored}, status)
  SELECT ${stored
    .split(', ')
    .map((c) => `i.${c}`)
    .join(', ')}, 'PENDING'
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
  external_id = coalesce(i.external_id, p.external_id), updated_at = now()
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
    paid_at = CASE WHEN $2::text = 'PAID' THEN coalesce($4::timestamptz, now()) ELSE p.paid_at END,
    failure_code = CASE WHEN $5::boolean THEN $6::text ELSE p.failure_code END,
    failure_message = CASE WHEN $5::boolean THEN $7::text ELSE p.failure_message END,
    updated_at = now()
  FROM current c
  WHERE p.id = c.id AND c.status = 'PENDING' AND $2::text <> 'PENDING'
  RETURNING ${paymentAs('p')}, c.status AS was
), change AS (
  ${paymentChangeRows('moved', '$8::text', '$9::jsonb')}
)
SELECT true AS changed, moved.* FROM moved
UNION ALL
SELECT false, c.*, c.status FROM current c WHERE NOT EXISTS (SELECT 1 FROM moved)`,
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
  WHERE status = 'PENDING'
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
