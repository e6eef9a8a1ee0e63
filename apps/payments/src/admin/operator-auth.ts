import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { routedUnder } from '../http/routed-under';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * HTTP basic auth for the operators' dashboard: every request routed under `prefix` (the page,
 * its assets and its API), checked before any handler runs.
 * Without configured credentials the door stays shut for everyone. Both parts are compared as
 * digests in constant time.
 */
export function requireOperator(
  fastify: FastifyInstance,
  prefix: string,
  credentials: { user: string; password: string } | undefined,
): void {
  const expectedUser = credentials ? digest(credentials.user) : undefined;
  const expectedPassword = credentials ? digest(credentials.password) : undefined;
  const allowed = (authorization: string | undefined): boolean => {
    if (!expectedUser || !expectedPassword) return false;
    const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/.exec(authorization ?? '');
    if (!match) return false;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return false;
    const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), expectedUser);
    const passwordOk = timingSafeEqual(digest(decoded.slice(colon + 1)), expectedPassword);
    return userOk && passwordOk;
  };
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!routedUnder(request, prefix) || allowed(request.headers.authorization)) return done();
    void reply
      .status(401)
      .header('WWW-Authenticate', 'Basic realm="doku-payments queues", charset="UTF-8"')
      .send({
        code: 'UNAUTHORIZED',
        message: credentials
          ? 'Operator credentials are required.'
          : 'The dashboard is closed: BULL_BOARD_USER and BULL_BOARD_PASSWORD are not set.',
        details: [],
      });
  });
}
