import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';

/**
 * GET /metrics. Kept apart from the global MetricsModule, which only holds the registry every
 * feature writes to (and the collectors that read at a scrape register with it).
 */
@Module({ controllers: [MetricsController] })
export class MetricsEndpointModule {}
