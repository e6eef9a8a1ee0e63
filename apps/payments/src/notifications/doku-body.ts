import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RawBodyRouteConfig, RequestWithRawBody } from '../http/request-body';

export type DokuRequest = RequestWithRawBody;

/**
 * DOKU's routes read their body as bytes, whatever its content type: signatures are over the bytes
 * received, and a body that is not JSON must still get a SNAP answer, which it would not if the
 * app-wide JSON parser refused it first. A body that cannot be read (too large, cut short) fails
 * before any handler runs; `refusals` answers it, per path, in the route's own format.
 */
export function captureDokuBodies(
  fastify: FastifyInstance,
  refusals: Record<string, (reply: FastifyReply) => void>,
): void {
  fastify.addHook('onRoute', (route) => {
    const refuse = refusals[route.url];
    if (!refuse) return;
    route.config = { ...(route.config as object), rawBodyOnly: true } satisfies RawBodyRouteConfig;
    route.errorHandler = (_error, _request, reply) => refuse(reply);
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
