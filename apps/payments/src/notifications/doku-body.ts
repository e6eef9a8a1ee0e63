import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RawBodyRouteConfig, RequestWithRawBody } from '../http/request-body';
import type { ClosingRouteConfig } from '../http/shutdown';

export type DokuRequest = RequestWithRawBody;

/** How one of DOKU's routes answers, in SNAP, what happens before its handler runs. */
export interface DokuRouteAnswers {
  /** A body that cannot be read (too large, cut short). */
  unreadableBody: (reply: FastifyReply) => void;
  /** A call that arrives while the service is closing. */
  whileClosing: (reply: FastifyReply) => void;
}

/**
 * DOKU's routes read their body as bytes, whatever its content type: signatures are over the bytes
 * received, and a body that is not JSON must still get a SNAP answer, which it would not if the
 * app-wide JSON parser refused it first. What fails before any handler runs (a body that cannot
 * be read, a call while closing) is answered per path in the route's own format, by `answers`.
 */
export function markDokuRoutes(
  fastify: FastifyInstance,
  answers: Record<string, DokuRouteAnswers>,
): void {
  fastify.addHook('onRoute', (route) => {
    const own = answers[route.url];
    if (!own) return;
    route.config = {
      ...(route.config as object),
      rawBodyOnly: true,
      answerWhileClosing: own.whileClosing,
    } satisfies RawBodyRouteConfig & ClosingRouteConfig;
    route.errorHandler = (_error, _request, reply) => own.unreadableBody(reply);
  });
}

/** The body bytes (empty when there was none). */
export function rawBodyOf(req: DokuRequest): Buffer {
  return req.rawBody ?? Buffer.alloc(0);
}

/** One header as text; absent or empty is undefined. */
export function headerOf(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text === undefined || text === '' ? undefined : text;
}
