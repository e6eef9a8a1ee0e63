import { Agent, errors, request } from 'undici';
import { DokuSnapError } from '../errors';

export interface HttpRequest {
  url: string;
  method: 'POST';
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
  close(): Promise<void>;
}

export interface UndiciTransportOptions {
  /** Sockets kept per origin. */
  connections?: number;
  keepAliveTimeoutMs?: number;
}

/** Keep-alive HTTP client: one connection pool per origin, a deadline per call. */
export function createUndiciTransport(options: UndiciTransportOptions = {}): HttpTransport {
  const agent = new Agent({
    connections: options.connections ?? 128,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    pipelining: 1,
  });
  return {
    async send(req) {
      try {
        const res = await request(req.url, {
          dispatcher: agent,
          method: req.method,
          headers: req.headers,
          body: req.body,
          headersTimeout: req.timeoutMs,
          bodyTimeout: req.timeoutMs,
          signal: AbortSignal.timeout(req.timeoutMs),
        });
        return { status: res.statusCode, body: await res.body.text() };
      } catch (err) {
        throw toTransportError(err, req.timeoutMs);
      }
    },
    close: () => agent.close(),
  };
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
