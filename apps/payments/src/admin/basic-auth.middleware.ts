import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * HTTP basic auth for the operators' dashboard. Without configured credentials the door stays
 * shut for everyone. Both parts are compared as digests in constant time.
 */
export function basicAuthMiddleware(credentials: { user: string; password: string } | undefined) {
  const expectedUser = credentials ? digest(credentials.user) : undefined;
  const expectedPassword = credentials ? digest(credentials.password) : undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    if (expectedUser && expectedPassword) {
      const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/.exec(req.headers.authorization ?? '');
      if (match) {
        const decoded = Buffer.from(match[1], 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0) {
          const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), expectedUser);
          const passwordOk = timingSafeEqual(digest(decoded.slice(colon + 1)), expectedPassword);
          if (userOk && passwordOk) return next();
        }
      }
    }
    res.setHeader('WWW-Authenticate', 'Basic realm="doku-payments queues", charset="UTF-8"');
    res.status(401).json({
      code: 'UNAUTHORIZED',
      message: credentials
        ? 'Operator credentials are required.'
        : 'The dashboard is closed: BULL_BOARD_USER and BULL_BOARD_PASSWORD are not set.',
      details: [],
    });
  };
}
