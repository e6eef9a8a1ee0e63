import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { logContext, RequestSummary } from './log-context';

/** Probes and scrapes come every few seconds: logging each would drown the log. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * A route whose URL carries a secret (the binding return URL's nonce and DOKU's authCode) sets
 * `@RouteConfig({ [SECRET_URL]: true })`: its lines show the route's pattern, not the URL.
 */
export const SECRET_URL = 'secretUrl';

function summaryOf(request: FastifyRequest): RequestSummary {
  const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
  const url = config?.[SECRET_URL] === true ? request.routeOptions.url! : request.url;
  return { id: request.id, method: request.method, url };
}

/**
 * The request being served here, if any: its lines carry it as a field. Not as a child logger's
 * binding: a child per request is a logger object and a serialized copy of its bindings, made for
 * every request whether a line is written or not (pino-http's, redacted path by path, cost about
 * 6% of the create-payment path: BENCHMARKS.md).
 */
export function requestInScope(): RequestSummary | undefined {
  // For code that is not handed the request; the hooks below are, and read it from there (a
  // client's abort, for one, is not reported inside the request's scope).
  return logContext.getStore()?.req;
}

/**
 * Puts every line written while serving a request under its id, and writes one access line per
 * request when it is answered (probes and scrapes aside) or abandoned by its client.
 */
export function logRequests(fastify: FastifyInstance, root: Logger): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    logContext.run({ req: summaryOf(request) }, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : 'info';
    if (root.isLevelEnabled(level) && !QUIET_ROUTES.has(request.routeOptions.url ?? '')) {
      root[level](
        {
          req: summaryOf(request),
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
      root.info({ req: summaryOf(request) }, 'request abandoned by its client');
    }
    done();
  });
}
