import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { redisOptionsFromUrl } from '../queues/redis-connection';
import { HEALTH_CHECK_TIMEOUT_MS } from './health.constants';

/**
 * Redis answers PING on a connection of its own, set to fail fast: no offline queue (a command
 * while disconnected fails at once instead of waiting for the reconnection) and one try per
 * command. It keeps reconnecting in the background, so readiness recovers by itself.
 */
@Injectable()
export class RedisHealthIndicator implements OnModuleInit, OnApplicationShutdown {
  private readonly client: Redis;

  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.client = new Redis({
      ...redisOptionsFromUrl(config.redisUrl),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: HEALTH_CHECK_TIMEOUT_MS,
      lazyConnect: true,
      connectionName: 'doku-payments:health',
    });
    // Connection errors are what the check reports; without a listener ioredis prints each one.
    this.client.on('error', () => undefined);
  }

  /**
   * Gives the first connection up to the check's timeout, so that a process whose Redis is up
   * is ready as soon as it serves; with Redis down, the start goes on without it.
   */
  async onModuleInit(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.client.connect().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, HEALTH_CHECK_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
  }

  async onApplicationShutdown(): Promise<void> {
    this.client.disconnect();
  }

  check() {
    return this.health
      .check('redis')
      .attempt(async () => {
        await this.client.ping();
      })
      .withTimeout(HEALTH_CHECK_TIMEOUT_MS);
  }
}
