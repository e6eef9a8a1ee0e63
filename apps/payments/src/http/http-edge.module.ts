import { Inject, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../logging/logging.module';
import { logRequests } from '../logging/request-log';
import { echoRequestId } from '../logging/request-id';
import { MetricsService } from '../metrics/metrics.service';
import { timeRequests } from './http-metrics';
import { addSecurityHeaders } from './security-headers';
import { closeConnectionsWhenClosing } from './shutdown';

/**
 * Hooks every request goes through before anything else: its log lines and access line, timing
 * for /metrics, the request id sent back, helmet's headers, and connections closed behind the
 * last answers at shutdown. Added while Nest builds the module graph, before any route exists, so
 * that every route (ours, Bull Board's, the OpenAPI UI's) and every 404 is timed and carries the
 * headers.
 */
@Module({})
export class HttpEdgeModule {
  constructor(
    adapterHost: HttpAdapterHost,
    metrics: MetricsService,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    // A bare testing module has no HTTP adapter: nothing to guard.
    const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    logRequests(fastify, logger);
    timeRequests(fastify, metrics);
    echoRequestId(fastify);
    addSecurityHeaders(fastify);
    closeConnectionsWhenClosing(fastify);
  }
}
