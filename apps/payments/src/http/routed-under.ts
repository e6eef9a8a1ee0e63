import type { FastifyRequest } from 'fastify';

/**
 * Whether the router sent this request to a route at or beneath `prefix`. Decided on the route
 * the router chose, never on the URL as sent: the router decodes %-escapes
 * (`/admin/%71ueues/api/queues` is routed to `/admin/queues/api/queues`), so a check of the raw
 * URL could be walked around. A request no route matched is beneath nothing.
 */
export function routedUnder(request: FastifyRequest, prefix: string): boolean {
  const route = request.routeOptions.url;
  return route !== undefined && (route === prefix || route.startsWith(`${prefix}/`));
}
