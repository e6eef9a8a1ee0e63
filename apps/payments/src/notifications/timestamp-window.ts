import { parseSnapTimestamp } from '@app/doku-snap';
import type { SnapErrors } from './snap-error';

/**
 * `X-TIMESTAMP` must be a SNAP timestamp within ±tolerance of our clock: a captured request
 * replayed later is refused even though its signature is still valid.
 */
export function checkTimestampWindow(
  timestamp: string,
  nowMs: number,
  toleranceSeconds: number,
  errors: SnapErrors,
): void {
  const at = parseSnapTimestamp(timestamp);
  if (at === null) throw errors.invalidFieldFormat('X-TIMESTAMP');
  if (Math.abs(at - nowMs) > toleranceSeconds * 1000)
    throw errors.unauthorized('Timestamp Out Of Range');
}
