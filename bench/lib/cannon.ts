import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Latencies, Tally } from './stats';

export interface CannonOptions {
  url: string;
  connections: number;
  /** Run for this long ... */
  durationSeconds?: number;
  /**
   * ... after this much load on the same connections, not counted: the window continues a running
   * load instead of opening on fresh connections that all send at once after a pause (in runs
   * traced per second, a new run's first 1-3 s were its slowest).
   */
  warmupSeconds?: number;
  /** Called when the counted window opens (at once without a warm-up). */
  onWindow?: () => void;
  /** ... or until this many requests were answered. */
  amount?: number;
  headers: Record<string, string>;
  /** POST (the default) sends `next()`'s body as JSON; GET sends none. */
  method?: 'GET' | 'POST';
  /** Each request's path and JSON body, drawn when autocannon sends it. */
  next: () => { path: string; body?: string };
  /** The status a successful answer has. */
  okStatus: number;
}

export interface CannonRun {
  /** Successful answers in the counted window. */
  ok: number;
  /** Successful answers during the warm-up. */
  warmupOk: number;
  /** The counted window's length. */
  elapsedMs: number;
  /** Latency of every response in the window, successful or not. */
  latencies: Latencies;
  /**
   * Answers other than `okStatus` over the whole run, warm-up included (as autocannon's own error
   * and timeout counts are), by status and the error body's code: a failure is never left out.
   */
  failures: Tally;
  /** autocannon's own result, for the whole run (warm-up included). */
  result: autocannon.Result;
}

/**
 * POSTs JSON (or GETs) under autocannon: a load generator that costs a fraction of what `fetch` does per
 * request (measured: `fetch` with 50 callers took 0.4-0.6 of the machine's 2 cores from the
 * service it was loading).
 */
export function cannon(o: CannonOptions): Promise<CannonRun> {
  return new Promise((resolve, reject) => {
    const latencies = new Latencies();
    const failures = new Tally();
    let ok = 0;
    let warmupOk = 0;
    const warmupMs = (o.warmupSeconds ?? 0) * 1000;
    // A response counts in the window when it ends after the window opened.
    let windowOpen = warmupMs === 0;
    let windowStart = performance.now();
    const openWindow = () => {
      windowOpen = true;
      windowStart = performance.now();
      o.onWindow?.();
    };
    const warmup = windowOpen ? undefined : setTimeout(openWindow, warmupMs);
    if (windowOpen) o.onWindow?.();
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        ...(o.amount !== undefined
          ? { amount: o.amount }
          : { duration: (o.durationSeconds ?? 0) + warmupMs / 1000 }),
        timeout: 10,
        requests: [
          {
            method: o.method ?? 'POST',
            headers:
              o.method === 'GET' ? o.headers : { ...o.headers, 'content-type': 'application/json' },
            setupRequest: (req) => ({ ...req, ...o.next() }),
            onResponse: (status, text) => {
              if (status === o.okStatus) return;
              let code: string;
              try {
                code = String((JSON.parse(text) as { code?: unknown }).code ?? '');
              } catch {
                code = 'unreadable body';
              }
              failures.add(`HTTP ${status} ${code}`.trim());
            },
          },
        ],
      },
      (err, result) => {
        clearTimeout(warmup);
        if (err) return reject(err);
        if (!windowOpen) return reject(new Error('the run ended before its warm-up did'));
        const elapsedMs = performance.now() - windowStart;
        resolve({ ok, warmupOk, elapsedMs, latencies, failures, result });
      },
    );
    // autocannon emits (client, statusCode, resBytes, responseTime); its typings omit the client.
    (instance as unknown as NodeJS.EventEmitter).on(
      'response',
      (_client: unknown, status: number, _bytes: number, responseTime: number) => {
        if (!windowOpen) {
          if (status === o.okStatus) warmupOk++;
          return;
        }
        latencies.add(responseTime);
        if (status === o.okStatus) ok++;
      },
    );
  });
}
