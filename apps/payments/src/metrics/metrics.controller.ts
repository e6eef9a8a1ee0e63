import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Registry } from 'prom-client';
import { MetricsService } from './metrics.service';
import { QueueDepthCollector } from './queue-depth.collector';

/**
 * Prometheus text of the service's own registry. Not behind the API key (scrapers hold none);
 * keep it on the internal network. Labels hold routes, codes and outcomes, never ids or secrets.
 */
@ApiExcludeController()
@SkipThrottle()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly queueDepth: QueueDepthCollector,
  ) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  async scrape(): Promise<string> {
    await this.queueDepth.collect();
    return this.metrics.registry.metrics();
  }
}
