import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { BullBoardModule } from '@bull-board/nestjs';
import { DynamicModule, Inject, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { ALL_QUEUES } from '../queues/queue-names';
import { requireOperator } from './operator-auth';

export const QUEUE_DASHBOARD_ROUTE = '/admin/queues';

/**
 * Bull Board for operators. Its login is a hook on every request under its route (Nest guards do
 * not cover a plugin's routes, and Bull Board's own middleware option would cover only the
 * route's exact path under Fastify, not its API beneath it).
 */
@Module({})
export class QueueDashboardModule {
  constructor(adapterHost: HttpAdapterHost, @Inject(APP_CONFIG) config: AppConfig) {
    const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify) requireOperator(fastify, QUEUE_DASHBOARD_ROUTE, config.bullBoard);
  }

  static forRoot(): DynamicModule {
    return {
      module: QueueDashboardModule,
      imports: [
        BullBoardModule.forRoot({
          route: QUEUE_DASHBOARD_ROUTE,
          adapter: FastifyAdapter,
          boardOptions: { uiConfig: { boardTitle: 'doku-payments' } },
        }),
        BullBoardModule.forFeature(...ALL_QUEUES.map((name) => ({ name, adapter: BullMQAdapter }))),
      ],
    };
  }
}
