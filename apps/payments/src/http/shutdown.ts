import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../common/api-error';

/**
 * Fastify's server options for closing: a request that arrives once closing has begun is answered
 * by the hook below, in the API's error shape, instead of Fastify's own 503 body.
 */
export const CLOSING_SERVER_OPTIONS = { return503OnClosing: false } as const;

/** A route whose callers expect another format (DOKU's: SNAP) answers them itself while closing. */
export interface ClosingRouteConfig {
  answerWhileClosing?: (reply: FastifyReply) => void;
}

const SHUTTING_DOWN = new ApiError(
  503,
  'SHUTTING_DOWN',
  'The service is shutting down; send the request again.',
).toBody();

/**
 * Once the service starts to close, every answer still to be sent closes its connection, and a
 * request that arrives after that (on a connection already open) is refused with 503 before any
 * route runs, so that nothing new starts while the service drains. Without the first part, a
 * kept-alive connection whose request was in progress when closing began stays open after its
 * answer until the keep-alive timeout (72 s), and the shutdown waits for it, past a supervisor's
 * grace period. Needs `CLOSING_SERVER_OPTIONS` on the server.
 */
export function closeConnectionsWhenClosing(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!closing) return done();
    void reply.header('Retry-After', '1');
    const own = (request.routeOptions.config as ClosingRouteConfig | undefined)?.answerWhileClosing;
    if (own) own(reply);
    else void reply.status(503).send(SHUTTING_DOWN);
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('Connection', 'close');
    done(null, payload);
  });
}
