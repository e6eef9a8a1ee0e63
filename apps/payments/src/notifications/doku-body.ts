import type { NextFunction, Request, Response } from 'express';
import { raw } from 'express';

/** DOKU's calls carry small JSON bodies; anything larger is refused before it is read in full. */
export const DOKU_BODY_LIMIT = '64kb';

export type DokuRequest = Request & { rawBody?: Buffer };

/**
 * Reads the body of a DOKU call as bytes, whatever its content type: signatures are over the bytes
 * received, and a body that is not JSON must still get a SNAP answer, which it would not if the
 * app-wide JSON parser refused it first. A body that cannot be read (too large, bad encoding) is
 * answered by `refuse` at once.
 */
export function captureDokuBody(refuse: (res: Response) => void) {
  const read = raw({ type: () => true, limit: DOKU_BODY_LIMIT });
  return (req: DokuRequest, res: Response, next: NextFunction): void => {
    read(req, res, (err?: unknown) => {
      if (err) {
        refuse(res);
        return;
      }
      req.rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      next();
    });
  };
}

/** The body bytes, however they were captured (here, or by the app-wide JSON parser). */
export function rawBodyOf(req: DokuRequest): Buffer {
  return req.rawBody ?? Buffer.alloc(0);
}

/** One header as text; absent or empty is undefined. */
export function headerOf(req: Request, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text === undefined || text === '' ? undefined : text;
}
