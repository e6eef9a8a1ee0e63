/**
 * When a QR is asked about: `steps` is the wait before each query in order, the last one repeated
 * until the QR expires. QRIS_QUERY_INTERVALS_MS writes it `2000*15,4000*15,30000*6,120000`: 15
 * queries 2 s apart (the first 30 s, when a customer at the till pays), 15 at 4 s, 6 at 30 s, then
 * every 2 minutes. The default keeps a QR paid in its first 90 s to at most 30 queries, and its
 * confirmation under 5 s (intervals of 5 s would not: BENCHMARKS.md).
 */
export interface QueryCadence {
  steps: number[];
}

export const DEFAULT_QRIS_QUERY_INTERVALS = '2000*15,4000*15,30000*6,120000';

/** The cadence, or undefined when the text is not one (the config names the variable). */
export function parseCadence(text: string): QueryCadence | undefined {
  const steps: number[] = [];
  for (const part of text.split(',')) {
    const match = /^\s*(\d{2,7})(?:\*(\d{1,4}))?\s*$/.exec(part);
    if (!match) return undefined;
    const ms = Number(match[1]);
    const count = match[2] === undefined ? 1 : Number(match[2]);
    if (ms < 10 || count < 1 || steps.length + count > 10_000) return undefined;
    for (let i = 0; i < count; i++) steps.push(ms);
  }
  return steps.length > 0 ? { steps } : undefined;
}

/** The wait before query number `step` (0-based). */
export function delayBefore(cadence: QueryCadence, step: number): number {
  return cadence.steps[Math.min(step, cadence.steps.length - 1)];
}

/** When query `step` is due, in ms after the QR was made. */
export function queryAt(cadence: QueryCadence, step: number): number {
  const { steps } = cadence;
  const listed = Math.min(step + 1, steps.length);
  let at = 0;
  for (let i = 0; i < listed; i++) at += steps[i];
  return at + (step + 1 - listed) * steps[steps.length - 1];
}

/**
 * The query after `doneStep`, `ageMs` after the QR was made: queries keep to the times the cadence
 * gives from the QR's making (the time a query takes does not stretch the intervals), and a chain
 * that fell behind (a busy queue, a worker down) skips the queries it missed rather than making
 * them in a burst.
 */
export function nextQuery(
  cadence: QueryCadence,
  ageMs: number,
  doneStep: number,
): { step: number; delayMs: number } {
  const step = Math.max(doneStep + 1, stepAt(cadence, ageMs));
  return { step, delayMs: queryAt(cadence, step) - ageMs };
}

/** The step a chain would be at `elapsedMs` after the QR was made (the sweeper restarts there). */
export function stepAt(cadence: QueryCadence, elapsedMs: number): number {
  let at = 0;
  for (let step = 0; ; step++) {
    at += delayBefore(cadence, step);
    if (at > elapsedMs || step > 100_000) return step;
  }
}
