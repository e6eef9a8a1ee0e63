import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { RedisWatch } from '../common/dependency-watch';
import { ALL_QUEUES } from './queue-names';

/**
 * The queues' producer connections report their errors to the Redis watch. Without a listener,
 * BullMQ prints each error of each reconnection attempt to stderr as a multi-line dump.
 */
@Injectable()
export class QueueConnections implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly redis: RedisWatch,
  ) {}

  onModuleInit(): void {
    for (const name of ALL_QUEUES) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      queue.removeAllListeners('error');
      queue.on('error', (err) => this.redis.failed(err));
    }
  }
}
