import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from '../metrics/metrics.service';

/**
 * The route label: Express' route template (`/v1/payments/:id`), never the raw URL, which holds
 * ids and would make a series per payment. A request answered by mounted middleware (DOKU body
 * capture, Bull Board) gets its mount path; anything else, a 404 for instance, is `unmatched`.
 */
export function routeLabel(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  // A wildcard is the catch-all that app-wide middleware is mounted on, not a route of ours.
  if (typeof path === 'string' && !path.includes('*')) return `${req.baseUrl ?? ''}${path}` || '/';
  if (req.baseUrl) return req.baseUrl;
  return 'unmatched';
}

/** Times every HTTP request, from its first middleware to the last byte of the answer. */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.observe(
        { method: req.method, route: routeLabel(req), status: String(res.statusCode) },
        seconds,
      );
    });
    next();
  };
}
