/**
 * Where a status change writes the rows that go with it. Every statement that moves a payment or a
 * refund names its moved rows in a CTE with `id`, `was` (the status before) and `status`, and ends
 * with one of these over it: the change and its records commit together, in the same round trip,
 * or not at all. A record of the change that is not the history (an event) belongs here too.
 * `source` and `detail` are SQL expressions over the moved rows (a literal, a parameter, a column).
 */
export function paymentChangeRows(moved: string, source: string, detail = 'NULL'): string {
  return `INSERT INTO payment_status_changes (payment_id, from_status, to_status, source, detail)
  SELECT id, was, status, ${source}, ${detail} FROM ${moved} WHERE was IS DISTINCT FROM status`;
}

export function refundChangeRows(moved: string, source: string, detail = 'NULL'): string {
  return `INSERT INTO refund_status_changes (refund_id, from_status, to_status, source, detail)
  SELECT id, was, status, ${source}, ${detail} FROM ${moved} WHERE was IS DISTINCT FROM status`;
}
