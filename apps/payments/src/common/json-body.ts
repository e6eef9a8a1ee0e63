import { json } from 'express';
import type { IncomingMessage } from 'node:http';

export type RequestWithRawBody = IncomingMessage & { rawBody?: Buffer };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * JSON bodies, with the raw bytes kept (DOKU's signatures are over the bytes received, not over a
 * re-serialized object) and prototype-pollution keys refused at parse time.
 */
export function jsonBodyParser(limit: string) {
  return json({
    limit,
    strict: true,
    type: ['application/json', 'application/*+json'],
    verify: (req: RequestWithRawBody, _res, buf: Buffer) => {
      req.rawBody = buf;
    },
    reviver: (key: string, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) {
        throw Object.assign(new SyntaxError(`forbidden key ${key}`), { status: 400 });
      }
      return value;
    },
  });
}
