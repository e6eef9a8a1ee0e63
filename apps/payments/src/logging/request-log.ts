import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/** Probes and scrapes come every few seconds: logging each would drown the log. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/** What every line of a request says about it. Never its headers: they carry credentials. */
interface RequestSummary {
  id: string;
  method: string;
  url: string;
}

/**
 * The logger for the lines of one request. Its child logger (with the request bound) is built
 * when a line is first written: pino runs a child's bindings through every redaction path, which
 * cost about 6% of the create-payment path when it was built for every request (BENCHMARKS.md).
 */
class RequestLog {
  private child?: Logger;

  constructor(
    private readonly root: Logger,
    readonly req: RequestSummary,
  ) {}

  get logger(): Logger {
    return (this.child ??= this.root.child({ req: this.req }));
  }
}

const currentRequest = new AsyncLocalStorage<RequestLog>();

/** The logger to write with here: bound to the request being served, if any. */
export function loggerInScope(root: Logger): Logger {
  return currentRequest.getStore()?.logger ?? root;
}

/**
 * Puts every line written while serving a request under its id, and writes one access line per
 * request when it is answered (probes and scrapes aside) or abandoned by its client.
 */
export function logRequests(fastify: FastifyInstance, root: Logger): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const req = { id: request.id, method: request.method, url: request.url };
    currentRequest.run(new RequestLog(root, req), done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : 'info';
    if (root.isLevelEnabled(level) && !QUIET_ROUTES.has(request.routeOptions.url ?? '')) {
      root[level](
        {
          req: currentRequest.getStore()?.req,
          res: { statusCode: status },
          responseTime: Math.round(reply.elapsedTime),
        },
        status >= 500 ? 'request errored' : 'request completed',
      );
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    if (root.isLevelEnabled('info')) {
      root.info({ req: currentRequest.getStore()?.req }, 'request abandoned by its client');
    }
    done();
  });
}
