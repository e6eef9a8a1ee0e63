import { Agent, type Dispatcher, errors } from 'undici';
import { DokuSnapError } from '../errors';

export interface HttpRequest {
  url: string;
  method: 'POST' | 'PUT' | 'DELETE';
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** The request did not produce an HTTP answer. `timeout`: DOKU may still have acted on it. */
export class TransportError extends DokuSnapError {
  constructor(
    readonly kind: 'timeout' | 'network',
    message: string,
  ) {
    super(message);
  }
}

export interface HttpTransport {
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Closes the connections once the requests in flight are answered. */
  close(): Promise<void>;
  /** Closes the connections now: requests in flight fail as network errors. */
  destroy(): Promise<void>;
}

export interface UndiciTransportOptions {
  /** Sockets kept per origin. */
  connections?: number;
  keepAliveTimeoutMs?: number;
}

/**
 * Keep-alive HTTP client: one connection pool per origin, a deadline per call. It drives undici's
 * dispatcher directly and collects the answer's bytes itself: `undici.request()` wraps each answer
 * in a Readable stream and each call in an AbortSignal: with them the client spent about twice the
 * CPU per call at concurrency 50, a quarter more at 1 (BENCHMARKS.md, scenario 1).
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): HttpTransport {
  const agent = new Agent({
    connections: options.connections ?? 128,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    pipelining: 1,
  });
  const targets = new Map<string, { origin: string; path: string }>();
  const targetOf = (url: string) => {
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: parsed.pathname + parsed.search };
      // Bounded: the client sends to one base URL and a handful of paths.
      if (targets.size < 64) targets.set(url, target);
    }
    return target;
  };
  return {
    send(req) {
      return new Promise<HttpResponse>((resolve, reject) => {
        const answer = new AnswerCollector(req.timeoutMs, resolve, reject);
        try {
          const { origin, path } = targetOf(req.url);
          agent.dispatch(
            {
              origin,
              path,
              method: req.method,
              headers: req.headers,
              body: req.body,
              // The collector's timer holds the whole deadline; undici's own would add a timer
              // object per call (kept up to a second by its coarse clock: garbage that outlives
              // the young generation).
              headersTimeout: 0,
              bodyTimeout: 0,
            },
            answer,
          );
        } catch (err) {
          answer.fail(err); // refused before anything was sent (a bad URL or header, a closed agent)
        }
      });
    },
    close: () => agent.close(),
    destroy: () => agent.destroy(),
  };
}

class DeadlineError extends Error {
  override name = 'TimeoutError';
}

/**
 * Gathers one answer, and holds the call's deadline: from the send to the answer's last byte,
 * waiting for a free connection included (the dispatcher starts a request only on a socket).
 */
class AnswerCollector implements Dispatcher.DispatchHandler {
  private status = 0;
  private readonly chunks: Buffer[] = [];
  private controller: Dispatcher.DispatchController | undefined;
  private settled = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly timeoutMs: number,
    private readonly resolve: (res: HttpResponse) => void,
    private readonly reject: (err: TransportError) => void,
  ) {
    this.timer = setTimeout(() => {
      const deadline = new DeadlineError(`no answer within ${timeoutMs} ms`);
      if (this.controller) this.controller.abort(deadline);
      else this.fail(deadline); // still waiting for a connection: aborted when it gets one
    }, timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.settled) controller.abort(new DeadlineError('deadline passed before sending'));
    else this.controller = controller;
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const bytes = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.resolve({ status: this.status, body: bytes.toString('utf8') });
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.fail(err);
  }

  fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.reject(toTransportError(err, this.timeoutMs));
  }
}

function toTransportError(err: unknown, timeoutMs: number): TransportError {
  const name = (err as { name?: string })?.name;
  if (
    err instanceof errors.HeadersTimeoutError ||
    err instanceof errors.BodyTimeoutError ||
    name === 'TimeoutError' ||
    name === 'AbortError'
  ) {
    return new TransportError('timeout', `no answer within ${timeoutMs} ms`);
  }
  const code = (err as { code?: string })?.code;
  return new TransportError('network', code ? `network error ${code}` : 'network error');
}
