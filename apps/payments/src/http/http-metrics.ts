import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MetricsService } from '../metrics/metrics.service';

/**
 * The route label: the route's template (`/v1/payments/:id`), never the raw URL, which holds ids
 * and would make a series per payment. A request no route matched (a 404) is `unmatched`.
 */
function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

/** Times every HTTP request, from its arrival to the last byte of the answer (Fastify's clock). */
export function timeRequests(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequests.observe(
      { method: request.method, route: routeLabel(request), status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
