/** A dependency slower than this counts as down: a probe must answer before its own timeout. */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;
