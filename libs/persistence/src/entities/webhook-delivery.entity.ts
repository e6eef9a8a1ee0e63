import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';

/** pending: attempts go on; delivered: a 2xx came back; failed: its attempts ran out. */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event owed to one endpoint. `attempts` counts the attempts of this round (a redelivery
 * starts a new one); each attempt's job is `<id>.<attempt number>`, so a job that is not the
 * delivery's current attempt finds nothing to do.
 */
@Entity({ name: 'webhook_deliveries' })
@Index('webhook_deliveries_event_endpoint_key', ['eventId', 'endpointId'], { unique: true })
@Index('webhook_deliveries_pending_idx', ['endpointId', 'nextAttemptAt'], {
  where: `status = 'pending'`,
})
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'event_id', type: 'varchar', length: 40 })
  eventId: string;

  @Column({ name: 'endpoint_id', type: 'varchar', length: 64 })
  endpointId: string;

  @Column({ type: 'varchar', length: 16 })
  status: DeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** How an attempt ended. */
export type AttemptOutcome = 'success' | 'http_error' | 'timeout' | 'network' | 'blocked';

/** One attempt of a delivery: what came back, an excerpt of the body kept. */
@Entity({ name: 'webhook_attempts' })
export class WebhookAttemptEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('webhook_attempts_delivery_idx')
  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId: string;

  @Column({ type: 'varchar', length: 16 })
  outcome: AttemptOutcome;

  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode: number | null;

  @Column({ name: 'duration_ms', type: 'int' })
  durationMs: number;

  /** The response's first bytes, or what went wrong (never a secret). */
  @Column({ type: 'text', nullable: true })
  excerpt: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/**
 * What the service knows of a configured endpoint beyond its configuration: disabled (it answered
 * 410, or an operator said so) until an operator enables it or its URL changes.
 */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpointEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'text' })
  url: string;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason: string | null;
}
