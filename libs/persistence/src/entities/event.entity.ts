import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** What callers are told of (contract §6): a payment's, a refund's or a binding's status change. */
export const EVENT_TYPES = [
  'payment.paid',
  'payment.failed',
  'payment.expired',
  'payment.cancelled',
  'payment.needs_attention',
  'refund.succeeded',
  'refund.failed',
  'binding.active',
  'binding.unbound',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The payment statuses whose arrival is an event (`payment.<status in lower case>`). */
export const PAYMENT_EVENT_STATUSES = ['PAID', 'FAILED', 'EXPIRED', 'CANCELLED'] as const;
/** The refund statuses whose arrival is an event (`refund.<status in lower case>`). */
export const REFUND_EVENT_STATUSES = ['SUCCEEDED', 'FAILED'] as const;

/**
 * Columns an event's snapshot leaves out: the bytes sent to DOKU and what only a channel takes
 * (a customer's details), which no caller is shown.
 */
export const NOT_IN_EVENT_SNAPSHOTS = ['request_body', 'channel_input'];

/**
 * One event, written by the statement that makes the change it reports (no change without its
 * event, no event without its change). `snapshot` is the payment or refund as that statement left
 * it; `body` is what callers receive, rendered from it once and then sent byte-identical.
 * `txid` is the writing transaction's id: events are read in (txid, id) order, and only below the
 * oldest transaction still open, so that one committing late is never skipped.
 */
@Entity({ name: 'events' })
@Index('events_txid_idx', ['txid', 'id'])
export class EventEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 40 })
  type: EventType;

  @Index('events_resource_idx')
  @Column({ name: 'resource_id', type: 'uuid' })
  resourceId: string;

  @Column({ type: 'jsonb' })
  snapshot: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  body: string | null;

  @Column({ type: 'bigint' })
  txid: string;

  @Index('events_created_idx')
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** How far the webhook relay has turned events into deliveries: one row. */
@Entity({ name: 'event_relay' })
export class EventRelayEntity {
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  @Column({ type: 'bigint' })
  txid: string;

  @Column({ name: 'event_id', type: 'varchar', length: 40 })
  eventId: string;
}
