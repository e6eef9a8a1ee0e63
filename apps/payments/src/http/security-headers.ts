import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import { routedUnder } from './routed-under';

/** Pages for people (OpenAPI UI, Bull Board) load inline scripts and styles. */
const UI_PREFIXES = ['/docs', '/admin/queues'];

/**
 * helmet's headers on every answer. Its strict Content-Security-Policy is kept for the APIs
 * (JSON only, nothing to run) and dropped for the two UIs, which it would break; the other
 * headers (nosniff, frame and referrer policies, HSTS ...) apply everywhere.
 */
export function addSecurityHeaders(fastify: FastifyInstance): void {
  const strict = helmet();
  const forUi = helmet({ contentSecurityPolicy: false });
  fastify.addHook('onRequest', (request, reply, done) => {
    const ui = UI_PREFIXES.some((prefix) => routedUnder(request, prefix));
    // helmet only sets headers on the Node response, which Fastify's own headers join.
    (ui ? forUi : strict)(request.raw, reply.raw, (err?: unknown) =>
      done(err as Error | undefined),
    );
  });
}
