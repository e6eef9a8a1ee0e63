import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { ALL_QUEUES } from '../queues/queue-names';
import { basicAuthMiddleware } from './basic-auth.middleware';

export const QUEUE_DASHBOARD_ROUTE = '/admin/queues';

/** Bull Board for operators; its auth goes through the dashboard's own middleware option (Nest guards do not cover it). */
@Module({})
export class QueueDashboardModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: QueueDashboardModule,
      imports: [
        BullBoardModule.forRoot({
          route: QUEUE_DASHBOARD_ROUTE,
          adapter: ExpressAdapter,
          middleware: basicAuthMiddleware(config.bullBoard),
          boardOptions: { uiConfig: { boardTitle: 'doku-payments' } },
        }),
        BullBoardModule.forFeature(...ALL_QUEUES.map((name) => ({ name, adapter: BullMQAdapter }))),
      ],
    };
  }
}
