/** Source of the current time; injected so tests and signatures never depend on the host. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

const JAKARTA_OFFSET_MS = 7 * 60 * 60 * 1000;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `X-TIMESTAMP` as SNAP expects it: second precision, fixed +07:00 (Jakarta, no daylight saving),
 * whatever the host's TZ.
 */
export function snapTimestamp(epochMs: number): string {
  const d = new Date(epochMs + JAKARTA_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+07:00`
  );
}

/** The Jakarta calendar day (YYYY-MM-DD) of an instant: SNAP's unit of X-EXTERNAL-ID uniqueness. */
export function jakartaDay(epochMs: number): string {
  return snapTimestamp(epochMs).slice(0, 10);
}

const TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO-8601 timestamp with an explicit offset (`Z` or `±HH:MM`); null when malformed. */
export function parseSnapTimestamp(text: string): number | null {
  const m = TIMESTAMP_RE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  // Milliseconds are kept (not dropped) so a parsed instant orders correctly against the clock.
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${fraction.slice(0, 4)}${zone}`);
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls 2024-02-31 over into March; a real timestamp names a real day.
  const offsetMs =
    zone === 'Z'
      ? 0
      : (zone[0] === '-' ? -1 : 1) *
        (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4))) *
        60_000;
  if (new Date(ms + offsetMs).getUTCDate() !== day) return null;
  return ms;
}
