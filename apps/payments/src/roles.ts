import type { DynamicModule, Type } from '@nestjs/common';
import { QueueDashboardModule } from './admin/queue-dashboard.module';
import type { AppConfig } from './config/app-config';
import { EventsApiModule } from './events/events-api.module';
import { NotificationsModule } from './notifications/notifications.module';
import { PaymentsModule } from './payments/payments.module';
import { QrConfirmationWorkersModule } from './qr-confirmations/qr-confirmations.module';
import { ReconciliationWorkersModule } from './reconciliation/reconciliation.module';
import { RefundWorkersModule } from './refunds/refund-workers.module';
import { RefundsApiModule } from './refunds/refunds-api.module';
import { WalletBindingsApiModule } from './wallet-bindings/wallet-bindings-api.module';
import { WebhookWorkersModule } from './webhooks/webhook-workers.module';

type Role = AppConfig['role'];

/**
 * The one place that says what each ROLE runs: the HTTP API (the internal API, the endpoints DOKU
 * calls, the docs and the dashboard) and the queue workers. Every role also runs what the
 * application module always loads (health, metrics, the DOKU core, the outbox relay, schedules).
 */
const PARTS: Record<Role, { api: boolean; workers: boolean }> = {
  all: { api: true, workers: true },
  api: { api: true, workers: false },
  worker: { api: false, workers: true },
};

export const servesApi = (role: Role): boolean => PARTS[role].api;
export const runsWorkers = (role: Role): boolean => PARTS[role].workers;

/** The feature modules of a role. */
export function roleModules(role: Role): (Type | DynamicModule)[] {
  return [
    ...(servesApi(role)
      ? [
          PaymentsModule,
          RefundsApiModule,
          EventsApiModule,
          WalletBindingsApiModule,
          NotificationsModule,
          QueueDashboardModule.forRoot(),
        ]
      : []),
    ...(runsWorkers(role)
      ? [
          RefundWorkersModule,
          WebhookWorkersModule,
          ReconciliationWorkersModule.forRoot(),
          QrConfirmationWorkersModule,
        ]
      : []),
  ];
}
