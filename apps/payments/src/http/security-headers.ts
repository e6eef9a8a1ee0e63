import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/** Pages for people (OpenAPI UI, Bull Board) load inline scripts and styles. */
const UI_PREFIXES = ['/docs', '/admin/queues'];

/**
 * helmet's headers on every answer. Its strict Content-Security-Policy is kept for the APIs
 * (JSON only, nothing to run) and dropped for the two UIs, which it would break; the other
 * headers (nosniff, frame and referrer policies, HSTS ...) apply everywhere.
 */
export function securityHeaders() {
  const strict = helmet();
  const forUi = helmet({ contentSecurityPolicy: false });
  return (req: Request, res: Response, next: NextFunction): void => {
    const ui = UI_PREFIXES.some((p) => req.path === p || req.path.startsWith(`${p}/`));
    (ui ? forUi : strict)(req, res, next);
  };
}
