/**
 * When a failed delivery is tried again: the first attempt at once, then 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h, 14 h, 20 h and 24 h after the attempt before (10 attempts over about 75.6 h, past the
 * three days the contract promises), each delay drawn within ±20% so that an endpoint that comes
 * back is not hit by every delivery at once.
 */
const DELAYS_S = [5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400] as const;
export const DELIVERY_ATTEMPTS = DELAYS_S.length + 1;
const JITTER = 0.2;
/** A timeout or a 429 means the receiver is struggling: it gets at least this long. */
const STRUGGLING_MIN_MS = 60_000;

export interface FailedAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  /** The HTTP status, when the receiver answered. */
  status?: number;
  timedOut?: boolean;
  /** The Retry-After header as received. */
  retryAfter?: string;
}

/**
 * The delay before the next attempt in ms, or undefined when the attempts are spent (the delivery
 * failed). `scale` shrinks the schedule (tests and benchmarks); `random` is Math.random's shape.
 */
export function nextAttemptDelayMs(
  failed: FailedAttempt,
  now: Date,
  options: { scale?: number; random?: () => number } = {},
): number | undefined {
  const baseS = DELAYS_S[failed.attempt - 1];
  if (baseS === undefined) return undefined;
  const scale = options.scale ?? 1;
  const random = options.random ?? Math.random;
  const base = baseS * 1000 * scale;
  let delay = base * (1 - JITTER + 2 * JITTER * random());
  if (failed.timedOut || failed.status === 429) delay = Math.max(delay, STRUGGLING_MIN_MS * scale);
  const asked = retryAfterMs(failed.retryAfter, now);
  // A receiver may slow deliveries down, not stall them: its wish within [base, 2 x base].
  if (asked !== undefined) delay = Math.min(Math.max(asked, base), 2 * base);
  return Math.round(delay);
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110), in ms from `now`; undefined if neither. */
export function retryAfterMs(header: string | undefined, now: Date): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^\d{1,10}$/.test(value)) return Number(value) * 1000;
  if (!/[A-Za-z]/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
