import { Inject, Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import {
  entityFromSnapshot,
  EventRecord,
  PaymentEntity,
  RefundEntity,
  WalletBindingEntity,
} from '@app/persistence';
import { DATA_SOURCE } from '../config/tokens';
import { toPaymentView } from '../payments/payment.view';
import { toRefundView } from '../refunds/refund.view';
import { toBindingView } from '../wallet-bindings/binding.view';

/**
 * What an event says (contract §6): `{ id, type, timestamp, data }`, `data` the payment, refund or binding
 * as the API shows it, as the change that made the event left it. Rendered once from the event's
 * snapshot and kept: every attempt and every read sends the same bytes.
 */
@Injectable()
export class EventBodies {
  private readonly payments: Repository<PaymentEntity>;
  private readonly refunds: Repository<RefundEntity>;
  private readonly bindings: Repository<WalletBindingEntity>;

  constructor(@Inject(DATA_SOURCE) dataSource: DataSource) {
    this.payments = dataSource.getRepository(PaymentEntity);
    this.refunds = dataSource.getRepository(RefundEntity);
    this.bindings = dataSource.getRepository(WalletBindingEntity);
  }

  render(event: EventRecord): string {
    const data = event.type.startsWith('refund.')
      ? toRefundView(entityFromSnapshot(this.refunds, event.snapshot))
      : event.type.startsWith('binding.')
        ? toBindingView(entityFromSnapshot(this.bindings, event.snapshot))
        : toPaymentView(entityFromSnapshot(this.payments, event.snapshot));
    return JSON.stringify({
      id: event.id,
      type: event.type,
      timestamp: event.createdAt.toISOString(),
      data,
    });
  }

  /** The event's kept body, or its rendering (the relay keeps it when it gets there). */
  bodyOf(event: EventRecord): string {
    return event.body ?? this.render(event);
  }
}
