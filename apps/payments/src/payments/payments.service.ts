import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DANA_PAYMENT_PATH,
  DanaPaymentResponse,
  deviceHeaders,
  DokuSnapClient,
  parseSnapTimestamp,
  PreparedRequest,
  redirectUrlOf,
  SnapResult,
  SnapValidationError,
  TokenRequestError,
} from '@app/doku-snap';
import { DuplicateKeyError, PaymentEntity, PaymentsRepository } from '@app/persistence';
import { ApiError, notFound, validationFailed } from '../common/api-error';
import { HttpResult } from '../common/idempotency.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { ExternalIdService } from '../doku/external-id.service';
import {
  dokuAnswer,
  dokuOutcomeUnknown,
  dokuRejection,
  dokuStatusCheckRefused,
  dokuUnavailable,
} from './doku-failure';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { PaymentStatusService } from './payment-status.service';
import { PaymentView, toPaymentView } from './payment.view';

@Injectable()
export class PaymentsService {
  private readonly logger = new Logger('Payments');

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly client: DokuSnapClient,
    private readonly externalIds: ExternalIdService,
    private readonly statuses: PaymentStatusService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Records the payment and its X-EXTERNAL-ID, then asks DOKU for the DANA checkout. A retry with
   * the same Idempotency-Key after an unknown outcome resumes the same payment (same id, same bytes).
   */
  async create(dto: CreatePaymentDto, idempotencyKey?: string): Promise<HttpResult> {
    const requestBody = this.buildRequestBody(dto);
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
          channel: dto.channel ?? 'DANA',
          amountValue: dto.amount.value,
          currency: dto.amount.currency,
          returnUrl: dto.returnUrl,
          deviceId: dto.deviceId,
          ipAddress: dto.ipAddress ?? null,
          orderTitle: dto.orderTitle ?? null,
          validUpTo: dto.validUpTo ?? null,
          pointOfInitiation: dto.pointOfInitiation ?? null,
          deepLink: dto.deepLink ?? false,
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
    const outcome = await this.statuses.check(payment, 'status_check');
    const result = outcome.result;
    if (!result) throw dokuUnavailable({ paymentId: id }, 'no access token could be obtained');
    const kind = result.outcome.kind;
    if (kind === 'success' || (kind === 'failure' && outcome.notFound)) return this.get(id);
    if (kind === 'failure')
      throw dokuStatusCheckRefused(result, { paymentId: id, status: outcome.payment.status });
    // No status to apply (no answer, a 409, a 202, a token still refused): the caller must not
    // read the unchanged payment as DOKU's word.
    throw dokuUnavailable({ paymentId: id }, result.error ?? dokuAnswer(result));
  }

  private buildRequestBody(dto: CreatePaymentDto): string {
    try {
      return this.client.prepareDanaPayment(
        {
          partnerReferenceNo: dto.partnerReferenceNo,
          amount: { value: dto.amount.value, currency: dto.amount.currency },
          returnUrl: dto.returnUrl,
          deepLink: dto.deepLink,
          validUpTo: dto.validUpTo,
          pointOfInitiation: dto.pointOfInitiation,
          orderTitle: dto.orderTitle,
          deviceId: dto.deviceId,
          ipAddress: dto.ipAddress,
        },
        '0',
      ).body;
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
    let prepared: PreparedRequest = {
      operation: 'dana_payment',
      path: DANA_PAYMENT_PATH,
      body: payment.requestBody,
      externalId: payment.externalId,
      headers: deviceHeaders(payment.deviceId, payment.ipAddress ?? undefined),
    };
    // After a token refresh DOKU gets a new id; it is stored before it is sent.
    const renewExternalId = async () => {
      const id = await this.externalIds.reserve('payment', payment.id);
      await this.payments.recordDokuAnswer(payment.id, { externalId: id });
      prepared = { ...prepared, externalId: id };
      return id;
    };
    let result: SnapResult<DanaPaymentResponse> | undefined;
    let unavailable = 'no answer';
    for (let attempt = 1; attempt <= this.config.doku.paymentAttempts; attempt++) {
      if (attempt > 1) await sleep(100 * 2 ** (attempt - 2));
      try {
        result = await this.client.danaPayment(prepared, { renewExternalId });
      } catch (err) {
        if (!(err instanceof TokenRequestError)) throw err;
        // Nothing was sent: the payment request itself never left.
        unavailable = err.message;
        if (err.outcome.kind !== 'retry_later') break;
        continue;
      }
      if (result.outcome.kind !== 'retry_later') break;
      unavailable = result.error ?? dokuAnswer(result);
    }
    const subject = { paymentId: payment.id };
    // No clear answer after the resends, or a 409 that is no replay (DOKU already holds a payment
    // under this reference: our own earlier, timed-out send): only its status can tell.
    if (
      !result ||
      result.outcome.kind === 'retry_later' ||
      result.outcome.kind === 'check_status'
    ) {
      const why = result?.outcome.kind === 'check_status' ? dokuAnswer(result) : unavailable;
      this.logger.warn(
        { paymentId: payment.id, reason: why },
        'payment outcome unknown; left PENDING for status checks',
      );
      throw dokuOutcomeUnknown(subject, why);
    }
    if (result.outcome.kind === 'success' || result.outcome.kind === 'in_progress') {
      const updated = await this.payments.recordDokuAnswer(payment.id, {
        redirectUrl: redirectUrlOf(result.body) ?? null,
        referenceNo: result.body?.referenceNo ?? null,
      });
      return { status: 201, body: toPaymentView(updated) };
    }
    await this.payments.changeStatus(payment.id, {
      to: 'FAILED',
      source: 'doku_payment',
      detail: { responseCode: result.responseCode, httpStatus: result.httpStatus },
      failureCode: result.responseCode ?? `HTTP${result.httpStatus}`,
      failureMessage: result.responseMessage ?? null,
    });
    throw dokuRejection(result, subject);
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
