import { Module } from '@nestjs/common';
import { DokuCallMetrics } from './doku-call.metrics';
import { MetricsController } from './metrics.controller';
import { QueueDepthCollector } from './queue-depth.collector';

/**
 * GET /metrics and the collectors that need other modules (DOKU calls, queues). Kept apart from
 * the global MetricsModule, which only holds the registry every feature writes to.
 */
@Module({
  controllers: [MetricsController],
  providers: [DokuCallMetrics, QueueDepthCollector],
})
export class MetricsEndpointModule {}
