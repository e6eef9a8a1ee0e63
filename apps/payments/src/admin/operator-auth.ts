import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { routedUnder } from '../http/routed-under';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Failed logins one client address may make per window before it is refused for the rest of it. */
const FAILURES_ALLOWED = 10;
const FAILURE_WINDOW_MS = 60_000;
/** Addresses tracked at most: a flood of addresses cannot grow the map without bound. */
const TRACKED_ADDRESSES = 10_000;

/**
 * Counts failed logins per client address in fixed windows. Basic auth has no lockout of its own,
 * and the dashboard is a Fastify plugin the API's rate limit (a Nest guard) does not cover.
 */
class LoginFailures {
  private readonly byAddress = new Map<string, { count: number; resetAt: number }>();

  /** Milliseconds until the address may try again; 0 when it may now. */
  blockedFor(address: string, now: number): number {
    const entry = this.byAddress.get(address);
    if (!entry || entry.resetAt <= now) return 0;
    return entry.count >= FAILURES_ALLOWED ? entry.resetAt - now : 0;
  }

  record(address: string, now: number): void {
    const entry = this.byAddress.get(address);
    if (entry && entry.resetAt > now) {
      entry.count++;
      return;
    }
    if (this.byAddress.size >= TRACKED_ADDRESSES) {
      for (const [key, value] of this.byAddress)
        if (value.resetAt <= now) this.byAddress.delete(key);
      // Still full: the oldest window goes (a Map keeps insertion order), never all of them.
      const oldest = this.byAddress.keys().next();
      if (this.byAddress.size >= TRACKED_ADDRESSES && !oldest.done)
        this.byAddress.delete(oldest.value);
    }
    this.byAddress.set(address, { count: 1, resetAt: now + FAILURE_WINDOW_MS });
  }
}

/**
 * HTTP basic auth for the operators' dashboard: every request routed under `prefix` (the page,
 * its assets and its API), checked before any handler runs.
 * Without configured credentials the door stays shut for everyone. Both parts are compared as
 * digests in constant time; an address with 10 failed logins in a minute is refused (429) for the
 * rest of it.
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
  const failures = new LoginFailures();
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!routedUnder(request, prefix)) return done();
    const now = Date.now();
    const wait = failures.blockedFor(request.ip, now);
    if (wait > 0) {
      void reply
        .status(429)
        .header('Retry-After', String(Math.ceil(wait / 1000)))
        .send({
          code: 'TOO_MANY_REQUESTS',
          message: 'Too many failed logins from this address; try again later.',
          details: [],
        });
      return;
    }
    const authorization = request.headers.authorization;
    if (allowed(authorization)) return done();
    // Only a wrong password counts: a browser's first visit, without credentials, is no guess.
    if (authorization !== undefined) failures.record(request.ip, now);
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
