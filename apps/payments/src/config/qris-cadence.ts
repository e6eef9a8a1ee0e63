/**
 * When a QR is asked about: `steps` is the wait before each query in order, the last one repeated
 * until the QR expires. QRIS_QUERY_INTERVALS_MS writes it `2000*15,5000*12,30000*6,120000`: 15
 * queries 2 s apart (the first 30 s, when a customer at the till pays), 12 at 5 s, 6 at 30 s, then
 * every 2 minutes.
 */
export interface QueryCadence {
  steps: number[];
}

export const DEFAULT_QRIS_QUERY_INTERVALS = '2000*15,5000*12,30000*6,120000';

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

/** The step a chain would be at `elapsedMs` after the QR was made (the sweeper restarts there). */
export function stepAt(cadence: QueryCadence, elapsedMs: number): number {
  let at = 0;
  for (let step = 0; ; step++) {
    at += delayBefore(cadence, step);
    if (at > elapsedMs || step > 100_000) return step;
  }
}
