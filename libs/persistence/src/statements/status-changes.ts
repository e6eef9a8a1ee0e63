import { PAYMENT_EVENT_STATUSES, REFUND_EVENT_STATUSES } from '../entities/event.entity';
import { BINDING_EVENT_STATUSES } from '../entities/wallet-binding.entity';

/**
 * Where a status change writes the rows that go with it. Every statement that moves a payment or a
 * refund names its moved rows in a CTE with `id`, `was` (the status before) and `status`, and ends
 * with these over it: the change and its records (its history, its event) commit together, in the
 * same round trip, or not at all. `source` and `detail` are SQL expressions over the moved rows (a
 * literal, a parameter, a column); `snapshot` gives the moved rows as jsonb (rows.ts snapshotOf).
 */
export function paymentChangeRows(moved: string, source: string, detail = 'NULL'): string {
  return `INSERT INTO payment_status_changes (payment_id, from_status, to_status, source, detail)
  SELECT id, was, status, ${source}, ${detail} FROM ${moved} WHERE was IS DISTINCT FROM status`;
}

export function refundChangeRows(moved: string, source: string, detail = 'NULL'): string {
  return `INSERT INTO refund_status_changes (refund_id, from_status, to_status, source, detail)
  SELECT id, was, status, ${source}, ${detail} FROM ${moved} WHERE was IS DISTINCT FROM status`;
}

/** `payment.paid` and the like, for the moved payments whose new status callers are told of. */
export function paymentEventRows(moved: string, snapshot: (alias: string) => string): string {
  return eventRows(
    `'payment.' || lower(status)`,
    moved,
    snapshot,
    `was IS DISTINCT FROM status AND status IN (${quoted(PAYMENT_EVENT_STATUSES)})`,
  );
}

/** `refund.succeeded` and `refund.failed`, for the moved refunds that reached one. */
export function refundEventRows(moved: string, snapshot: (alias: string) => string): string {
  return eventRows(
    `'refund.' || lower(status)`,
    moved,
    snapshot,
    `was IS DISTINCT FROM status AND status IN (${quoted(REFUND_EVENT_STATUSES)})`,
  );
}

/** `binding.active` and `binding.unbound`, for the moved bindings that reached one. */
export function bindingEventRows(moved: string, snapshot: (alias: string) => string): string {
  return eventRows(
    `'binding.' || lower(status)`,
    moved,
    snapshot,
    `was IS DISTINCT FROM status AND status IN (${quoted(BINDING_EVENT_STATUSES)})`,
  );
}

/** `payment.needs_attention`, for the marked payments whose reason is new (`was_reason` before). */
export function attentionEventRows(marked: string, snapshot: (alias: string) => string): string {
  return eventRows(
    `'payment.needs_attention'`,
    marked,
    snapshot,
    'attention_reason IS NOT NULL AND was_reason IS DISTINCT FROM attention_reason',
  );
}

/**
 * Events in (transaction id, id) order: the transaction's id is taken here, in the statement, so
 * that the reader can hold back what an open transaction may still add.
 */
function eventRows(
  type: string,
  rows: string,
  snapshot: (alias: string) => string,
  where: string,
): string {
  return `INSERT INTO events (id, type, resource_id, snapshot, txid)
  SELECT 'evt_' || replace(gen_random_uuid()::text, '-', ''), ${type}, id, ${snapshot(rows)},
    pg_current_xact_id()::text::bigint
  FROM ${rows} WHERE ${where}`;
}

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
