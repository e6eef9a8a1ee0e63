/**
 * The service's own view of a window, from its Prometheus /metrics: the benchmark scrapes before
 * and after, and compares. Histograms are cumulative, so a window is the difference of two scrapes;
 * prom-client's event loop gauges start again at each scrape, so the second one covers the window.
 */
export type Scrape = Map<string, number>;

export async function scrapeMetrics(serviceUrl: string): Promise<Scrape> {
  const text = await (await fetch(`${serviceUrl}/metrics`)).text();
  const samples: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

export interface HistogramWindow {
  count: number;
  /** Mean in ms; NaN without observations. */
  meanMs: number;
  /** Share of observations at or under each bucket bound (seconds, as the service declares them). */
  within: Map<number, number>;
}

/** One histogram's observations between two scrapes, over the series whose labels contain every `labels` pair. */
export function histogramWindow(
  before: Scrape,
  after: Scrape,
  name: string,
  labels: Record<string, string> = {},
): HistogramWindow {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const total = (series: string, extra?: (key: string) => boolean) => {
    let sum = 0;
    for (const [key, value] of after) {
      if (!key.startsWith(`${name}_${series}{`)) continue;
      if (!wanted.every((pair) => key.includes(pair)) || (extra && !extra(key))) continue;
      sum += value - (before.get(key) ?? 0);
    }
    return sum;
  };
  const count = total('count');
  const within = new Map<number, number>();
  const bounds = new Set<number>();
  for (const key of after.keys()) {
    const m = key.startsWith(`${name}_bucket{`) ? /le="([^"]+)"/.exec(key) : null;
    if (m && m[1] !== '+Inf') bounds.add(Number(m[1]));
  }
  for (const le of [...bounds].sort((a, b) => a - b)) {
    within.set(le, count > 0 ? total('bucket', (key) => key.includes(`le="${le}"`)) / count : NaN);
  }
  return { count, meanMs: count > 0 ? (total('sum') / count) * 1000 : Number.NaN, within };
}

/** prom-client samples the loop with a 10 ms timer and reports each interval whole (idle: ~10.2 ms). */
const LAG_TIMER_MS = 10;

/** How late the event loop ran its callbacks over the window since the previous scrape (ms). */
export function eventLoopDelay(after: Scrape): { p50: number; p99: number; max: number } {
  const late = (name: string) => Math.max(0, (after.get(name) ?? Number.NaN) * 1000 - LAG_TIMER_MS);
  return {
    p50: late('nodejs_eventloop_lag_p50_seconds'),
    p99: late('nodejs_eventloop_lag_p99_seconds'),
    max: late('nodejs_eventloop_lag_max_seconds'),
  };
}
