/** How reconciliation paces itself. Defaults suit production; tests call `runOnce` directly. */
export interface ReconciliationOptions {
  /** How often the Job Scheduler starts a run. */
  everyMs: number;
  /** DOKU asks callers to wait at least 60 s after a payment before checking its status. */
  minAgeMs: number;
  /** A payment checked (or claimed) more recently than this is left alone: the claim's lease (database clock). */
  recheckAfterMs: number;
  /** Payments claimed per run: bounded work, whatever the backlog. */
  batchSize: number;
  /** Status checks in flight at once within a run. */
  concurrency: number;
  /** A payment with no validUpTo expires this long after creation. */
  maxAgeMs: number;
  /** Time given after the deadline for DOKU to finish a payment made at the last second. */
  expiryGraceMs: number;
}

export const RECONCILIATION_OPTIONS = Symbol('RECONCILIATION_OPTIONS');

export const DEFAULT_RECONCILIATION_OPTIONS: ReconciliationOptions = {
  everyMs: 30_000,
  minAgeMs: 60_000,
  // Longer than one status check can take (DOKU deadline ~8 s, plus a token refresh and retry).
  recheckAfterMs: 60_000,
  batchSize: 50,
  concurrency: 5,
  maxAgeMs: 24 * 3600_000,
  expiryGraceMs: 60_000,
};
