import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { RedisWatch } from '../common/dependency-watch';
import { ObservedQueue } from './observed-queue';
import { QueueConnections } from './queue-connections';
import { ALL_QUEUES } from './queue-names';
import { QueueDepthCollector } from './queue-depth.collector';
import { redisOptionsFromUrl } from './redis-connection';

// Read when the queues' providers are declared, below.
BullModule.queueClass = ObservedQueue;

/**
 * BullMQ on Redis, every key under BULLMQ_PREFIX. Completed jobs are kept for a bounded time and
 * count; failed jobs are kept for operators.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: redisOptionsFromUrl(config.redisUrl),
        prefix: config.bullmqPrefix,
        defaultJobOptions: {
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: false,
        },
      }),
    }),
    BullModule.registerQueueAsync(
      ...ALL_QUEUES.map((name) => ({
        name,
        inject: [APP_CONFIG],
        // Producers fail fast while Redis is away (the outbox relay enqueues later) instead of
        // holding an API request open.
        useFactory: (config: AppConfig) => ({
          connection: {
            ...redisOptionsFromUrl(config.redisUrl),
            enableOfflineQueue: false,
            maxRetriesPerRequest: 1,
          },
        }),
      })),
    ),
  ],
  providers: [QueueDepthCollector, RedisWatch, QueueConnections],
  exports: [BullModule, RedisWatch],
})
export class QueuesModule {}
