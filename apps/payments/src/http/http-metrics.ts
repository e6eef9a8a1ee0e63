import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MetricsService } from '../metrics/metrics.service';

/**
 * The route label: the route's template (`/v1/payments/:id`), never the raw URL, which holds ids
 * and would make a series per payment. A request no route matched (a 404) is `unmatched`.
 */
export function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

const started = new WeakMap<FastifyRequest, bigint>();

/** Times every HTTP request, from its arrival to the last byte of the answer. */
export function timeRequests(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    started.set(request, process.hrtime.bigint());
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const from = started.get(request);
    if (from !== undefined) {
      metrics.httpRequests.observe(
        { method: request.method, route: routeLabel(request), status: String(reply.statusCode) },
        Number(process.hrtime.bigint() - from) / 1e9,
      );
    }
    done();
  });
}
