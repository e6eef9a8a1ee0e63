import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  parseSnapTimestamp,
  prepareRequest,
  restoreRequest,
  SnapValidationError,
} from '@app/doku-snap';
import { DuplicateKeyError, PaymentEntity, PaymentsRepository } from '@app/persistence';
import { Channels } from '../channels/channels';
import { ApiError, notFound, validationFailed } from '../common/api-error';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import {
  dokuAnswer,
  dokuOutcomeUnknown,
  dokuRejection,
  dokuStatusCheckRefused,
  dokuUnavailable,
} from '../doku/doku-failure';
import { DokuGateway } from '../doku/doku-gateway';
import { ExternalIdService } from '../doku/external-id.service';
import type { HttpResult } from '../idempotency/idempotency.service';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { PaymentStatusService } from '../settlement/payment-status.service';
import { PaymentView, toPaymentView } from './payment.view';

@Injectable()
export class PaymentsService {
  private readonly logger = new Logger('Payments');

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly gateway: DokuGateway,
    private readonly channels: Channels,
    private readonly externalIds: ExternalIdService,
    private readonly statuses: PaymentStatusService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Records the payment and its X-EXTERNAL-ID, then asks DOKU for the DANA checkout. A retry with
   * the same Idempotency-Key after an unknown outcome resumes the same payment (same id, same bytes).
   */
  async create(dto: CreatePaymentDto, idempotencyKey?: string): Promise<HttpResult> {
    const channel = dto.channel ?? 'DANA';
    const { channelInput, requestBody } = this.buildRequest(channel, dto);
    // Only a retry under an Idempotency-Key can resume an existing payment; without one, the
    // unique constraint alone answers a duplicate (one round trip less on the hot path).
    const existing =
      idempotencyKey === undefined
        ? null
        : await this.payments.findByPartnerReferenceNo(dto.partnerReferenceNo);
    if (existing) {
      if (
        idempotencyKey !== undefined &&
        existing.idempotencyKey === idempotencyKey &&
        existing.requestBody === requestBody
      ) {
        return this.resume(existing);
      }
      throw duplicate();
    }
    // Checked here, not with the body's other rules: a retry that resumes or replays the payment
    // must not be refused because the time has passed since.
    if (dto.validUpTo !== undefined && parseSnapTimestamp(dto.validUpTo)! <= Date.now()) {
      throw validationFailed([{ field: 'validUpTo', message: 'validUpTo must be in the future' }]);
    }
    let payment: PaymentEntity;
    try {
      payment = await this.payments.create(
        {
          partnerReferenceNo: dto.partnerReferenceNo,
          channel,
          amountValue: dto.amount.value,
          currency: dto.amount.currency,
          validUpTo: dto.validUpTo ?? null,
          channelInput,
          requestBody,
          idempotencyKey: idempotencyKey ?? null,
        },
        this.externalIds.draw,
        this.externalIds.today(),
      );
    } catch (err) {
      if (err instanceof DuplicateKeyError) throw duplicate();
      throw err;
    }
    return this.submit(payment);
  }

  async get(id: string): Promise<PaymentView> {
    const payment = await this.payments.findById(id, true);
    if (!payment) throw notFound('payment');
    return toPaymentView(payment, { withRefunds: true });
  }

  async findByPartnerReferenceNo(partnerReferenceNo: string): Promise<{ items: PaymentView[] }> {
    const payment = await this.payments.findByPartnerReferenceNo(partnerReferenceNo);
    return { items: payment ? [toPaymentView(payment)] : [] };
  }

  async checkStatus(id: string): Promise<PaymentView> {
    const payment = await this.payments.findById(id);
    if (!payment) throw notFound('payment');
    const { answer, notFound: unknownToDoku } = await this.statuses.check(payment, 'status_check');
    if (answer.kind === 'done' && !answer.inProgress) return this.get(id);
    if (answer.kind === 'refused') {
      if (unknownToDoku) return this.get(id);
      throw dokuStatusCheckRefused(answer.result, { paymentId: id, status: payment.status });
    }
    // No status to apply (no answer, a 409, a 202, no token): the caller must not read the
    // unchanged payment as DOKU's word.
    throw dokuUnavailable(
      { paymentId: id },
      answer.kind === 'done'
        ? dokuAnswer(answer.result)
        : answer.kind === 'unavailable' && answer.token
          ? 'no access token could be obtained'
          : answer.reason,
    );
  }

  /** The channel's DOKU request for the caller's order, its bytes fixed; 400 naming a bad field. */
  private buildRequest(
    channel: string,
    dto: CreatePaymentDto,
  ): { channelInput: Record<string, unknown>; requestBody: string } {
    const adapter = this.channels.get(channel);
    try {
      const { channelInput, dokuInput } = adapter.paymentRequest(dto);
      const prepared = prepareRequest(
        adapter.spec.payment,
        dokuInput,
        '0',
        adapter.customer(channelInput),
      );
      return { channelInput, requestBody: prepared.body };
    } catch (err) {
      if (err instanceof SnapValidationError) {
        throw validationFailed([{ field: err.field, message: err.reason }]);
      }
      throw err;
    }
  }

  private async resume(payment: PaymentEntity): Promise<HttpResult> {
    if (payment.status === 'PENDING' && !payment.redirectUrl) return this.submit(payment);
    if (payment.status === 'FAILED' && payment.failureCode) {
      throw dokuRejection(
        {
          outcome: { kind: 'failure', ambiguous: false, replay: false },
          externalId: payment.externalId,
          responseCode: payment.failureCode,
          responseMessage: payment.failureMessage ?? undefined,
          durationMs: 0,
        },
        { paymentId: payment.id },
      );
    }
    return { status: 201, body: toPaymentView(payment) };
  }

  /**
   * Sends the stored request. Ambiguous outcomes (timeout, network error, 5xx) resend the very same
   * bytes with the same X-EXTERNAL-ID: DOKU replays its original answer and never sees two payments.
   */
  private async submit(payment: PaymentEntity): Promise<HttpResult> {
    const adapter = this.channels.get(payment.channel);
    const prepared = restoreRequest(
      adapter.spec.payment,
      payment.requestBody,
      payment.externalId,
      adapter.customer(payment.channelInput),
    );
    const outcome = await this.gateway.call(prepared, {
      purpose: 'payment',
      subjectId: payment.id,
      // After a token refresh DOKU gets a new id; it is stored before it is sent.
      storeExternalId: async (externalId) => {
        await this.payments.recordDokuAnswer(payment.id, { externalId });
      },
      attempts: this.config.doku.paymentAttempts,
    });
    const subject = { paymentId: payment.id };
    switch (outcome.kind) {
      case 'done': {
        const action = adapter.customerAction(outcome.result.body);
        const updated = await this.payments.recordDokuAnswer(payment.id, action);
        return { status: 201, body: toPaymentView(updated) };
      }
      case 'refused':
        await this.payments.changeStatus(payment.id, {
          to: 'FAILED',
          source: 'doku_payment',
          detail: {
            responseCode: outcome.result.responseCode,
            httpStatus: outcome.result.httpStatus,
          },
          failureCode: outcome.result.responseCode ?? `HTTP${outcome.result.httpStatus}`,
          failureMessage: outcome.result.responseMessage ?? null,
        });
        throw dokuRejection(outcome.result, subject);
      default:
        // No clear answer after the resends, or a 409 that is no replay (DOKU already holds a
        // payment under this reference: our own earlier, timed-out send): only its status can tell.
        this.logger.warn(
          { paymentId: payment.id, reason: outcome.reason },
          'payment outcome unknown; left PENDING for status checks',
        );
        throw dokuOutcomeUnknown(subject, outcome.reason);
    }
  }
}

function duplicate(): ApiError {
  return new ApiError(
    409,
    'DUPLICATE_PARTNER_REFERENCE_NO',
    'A payment with this partnerReferenceNo already exists.',
    [{ field: 'partnerReferenceNo', message: 'already used' }],
  );
}
