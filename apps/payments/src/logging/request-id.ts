import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The request id on every log line of a request (Fastify's `genReqId`):
 * the caller's X-Request-Id when it is sane, a UUID otherwise.
 */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
}

/** Sends the request id back in X-Request-Id, so a caller can quote it. */
export function echoRequestId(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
}
