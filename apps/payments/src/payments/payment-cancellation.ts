import { Inject, Injectable, Logger } from '@nestjs/common';
import { prepareRequest } from '@app/doku-snap';
import { PaymentEntity, PaymentsRepository } from '@app/persistence';
import { DataSource } from 'typeorm';
import { Channels } from '../channels/channels';
import { ApiError, notFound } from '../common/api-error';
import { DATA_SOURCE } from '../config/tokens';
import { dokuAnswer, dokuUnavailable } from '../doku/doku-failure';
import { DokuGateway } from '../doku/doku-gateway';
import { ExternalIdService } from '../doku/external-id.service';
import { paymentRef } from '../doku/payment-status.inquiry';
import { PaymentStatusService } from '../settlement/payment-status.service';
import { PaymentView, toPaymentView } from './payment.view';

type Decision =
  | { kind: 'cancelled'; payment: PaymentEntity }
  | { kind: 'refused'; answer: string; responseCode: string | null }
  | { kind: 'unknown'; reason: string };

/**
 * Closes an open payment at DOKU (a virtual account is deleted) and then CANCELLED. The DOKU call
 * is made holding the payment's row lock: a notification of it arriving meanwhile waits, and then
 * finds the payment CANCELLED only if DOKU closed it; when DOKU refuses (paid meanwhile), a status
 * check settles the payment as DOKU has it.
 */
@Injectable()
export class PaymentCancellation {
  private readonly logger = new Logger('PaymentCancellation');

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly payments: PaymentsRepository,
    private readonly channels: Channels,
    private readonly gateway: DokuGateway,
    private readonly externalIds: ExternalIdService,
    private readonly statuses: PaymentStatusService,
  ) {}

  async cancel(id: string): Promise<PaymentView> {
    const payment = await this.payments.findById(id);
    if (!payment) throw notFound('payment');
    const adapter = this.channels.get(payment.channel);
    const operation = adapter.spec.cancel;
    if (!operation)
      throw new ApiError(
        409,
        'CANCEL_NOT_SUPPORTED',
        `Payments of channel ${payment.channel} cannot be cancelled; they expire at their validUpTo.`,
      );
    if (payment.status !== 'PENDING') throw notPending(payment);

    const decision = await this.dataSource.transaction(async (manager): Promise<Decision> => {
      const [row] = (await manager.query(`SELECT status FROM payments WHERE id = $1 FOR UPDATE`, [
        id,
      ])) as { status: PaymentEntity['status'] }[];
      if (row.status !== 'PENDING') throw notPending({ ...payment, status: row.status });
      const prepared = prepareRequest(
        operation,
        paymentRef(payment, adapter),
        await this.externalIds.reserve('cancel', id),
      );
      const outcome = await this.gateway.call(prepared, { purpose: 'cancel', subjectId: id });
      if (outcome.kind === 'done') {
        const moved = await this.payments.changeStatusIn(manager, id, {
          to: 'CANCELLED',
          source: 'api',
          detail: { responseCode: outcome.result.responseCode ?? null, by: 'cancel' },
        });
        return { kind: 'cancelled', payment: moved.payment };
      }
      if (outcome.kind === 'refused')
        return {
          kind: 'refused',
          answer: dokuAnswer(outcome.result),
          responseCode: outcome.result.responseCode ?? null,
        };
      return { kind: 'unknown', reason: outcome.reason };
    });

    if (decision.kind === 'cancelled') {
      this.logger.log({ paymentId: id }, 'payment cancelled at DOKU');
      return toPaymentView(decision.payment);
    }
    if (decision.kind === 'unknown') throw dokuUnavailable({ paymentId: id }, decision.reason);
    // DOKU would not close it, most likely paid meanwhile: its status says what it is now.
    const checked = await this.statuses.check(payment, 'status_check').catch(() => undefined);
    const now = checked?.payment ?? payment;
    throw new ApiError(
      409,
      'CANCEL_REFUSED',
      `DOKU refused to close the payment (${decision.answer}); it is ${now.status}.`,
      [
        {
          message: decision.answer,
          dokuResponseCode: decision.responseCode,
          paymentId: id,
          status: now.status,
        },
      ],
    );
  }
}

function notPending(payment: Pick<PaymentEntity, 'id' | 'status'>): ApiError {
  return new ApiError(
    409,
    'PAYMENT_NOT_PENDING',
    `The payment is ${payment.status}; only a PENDING payment can be cancelled.`,
    [{ message: `status ${payment.status}`, paymentId: payment.id, status: payment.status }],
  );
}
