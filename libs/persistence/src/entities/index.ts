import { EventEntity, EventRelayEntity } from './event.entity';
import { ExternalIdEntity } from './external-id.entity';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { NotificationEntity } from './notification.entity';
import { OutboxJobEntity } from './outbox-job.entity';
import { PaymentStatusChangeEntity } from './payment-status-change.entity';
import { PaymentEntity } from './payment.entity';
import { RefundStatusChangeEntity } from './refund-status-change.entity';
import { RefundEntity } from './refund.entity';
import { WalletBindingEntity } from './wallet-binding.entity';
import {
  WebhookAttemptEntity,
  WebhookDeliveryEntity,
  WebhookEndpointEntity,
} from './webhook-delivery.entity';

export * from './event.entity';
export * from './external-id.entity';
export * from './idempotency-key.entity';
export * from './notification.entity';
export * from './outbox-job.entity';
export * from './payment-status-change.entity';
export * from './payment.entity';
export * from './refund-status-change.entity';
export * from './refund.entity';
export * from './wallet-binding.entity';
export * from './webhook-delivery.entity';

/** Listed explicitly: no glob loading. */
export const ENTITIES = [
  PaymentEntity,
  RefundEntity,
  ExternalIdEntity,
  IdempotencyKeyEntity,
  PaymentStatusChangeEntity,
  RefundStatusChangeEntity,
  NotificationEntity,
  OutboxJobEntity,
  EventEntity,
  EventRelayEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  WebhookEndpointEntity,
  WalletBindingEntity,
];
