import { Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { MetricsService } from '../metrics/metrics.service';
import { httpMetricsMiddleware } from './http-metrics.middleware';
import { securityHeaders } from './security-headers';

/**
 * Middleware every request goes through before anything else: timing for /metrics and
 * helmet's headers. Registered while Nest builds the module graph (this module is imported
 * first) because some feature modules mount middleware of their own at that time (DOKU's body
 * capture), and those answers must be timed and carry the headers too.
 */
@Module({})
export class HttpEdgeModule {
  constructor(adapterHost: HttpAdapterHost, metrics: MetricsService) {
    const http = adapterHost.httpAdapter;
    // A bare testing module has no HTTP adapter: nothing to guard.
    if (!http) return;
    http.use(httpMetricsMiddleware(metrics));
    http.use(securityHeaders());
  }
}
