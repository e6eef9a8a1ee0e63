import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { RedisWatch } from '../common/dependency-watch';
import { redisOptionsFromUrl } from '../queues/redis-connection';
import { HEALTH_CHECK_TIMEOUT_MS } from './health.constants';
import { probe } from './probe';

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
    private readonly redis: RedisWatch,
  ) {
    this.client = new Redis({
      ...redisOptionsFromUrl(config.redisUrl),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: HEALTH_CHECK_TIMEOUT_MS,
      lazyConnect: true,
      connectionName: 'doku-payments:health',
    });
    // Its reconnections are the process' view of Redis: down at the first error, back when a
    // connection is ready again (every BullMQ client's errors go to the same watch).
    this.client.on('error', (err) => redis.failed(err));
    this.client.on('ready', () => redis.recovered());
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
    return this.health.check('redis').attempt(() => probe('Redis', () => this.client.ping()));
  }
}
