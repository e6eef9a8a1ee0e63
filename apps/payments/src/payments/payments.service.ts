import { Inject, Injectable, Logger } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import {
  parseSnapTimestamp,
  prepareRequest,
  restoreRequest,
  SnapValidationError,
} from '@app/doku-snap';
import {
  DuplicateKeyError,
  PaymentEntity,
  PaymentsRepository,
  RefundsRepository,
} from '@app/persistence';
import { Channels } from '../channels/channels';
import { ApiError, notFound, validationFailed } from '../common/api-error';
import { createdWindow, ListQuery, Page, page } from '../common/list';
import { RefundView, toRefundView } from '../refunds/refund.view';
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
import { LatePayments } from '../settlement/late-payments';
import { PaymentStatusService } from '../settlement/payment-status.service';
import { FindPaymentsQuery } from './dto/find-payments.query';
import { ResolvePaymentDto } from './dto/resolve-payment.dto';
import { PaymentHistoryView, toHistoryView } from './payment-history.view';
import { PaymentView, toPaymentView } from './payment.view';

@Injectable()
export class PaymentsService {
  private readonly logger = new Logger('Payments');

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly refunds: RefundsRepository,
    private readonly gateway: DokuGateway,
    private readonly channels: Channels,
    private readonly externalIds: ExternalIdService,
    private readonly statuses: PaymentStatusService,
    private readonly late: LatePayments,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // Every send of the payment request, with room for the pauses between them and a token.
    this.submitLeaseMs = config.doku.paymentAttempts * (config.doku.timeoutMs + 1_000) + 5_000;
  }

  private readonly submitLeaseMs: number;

  /**
   * Records the payment and its X-EXTERNAL-ID, then asks DOKU for the checkout. The same order
   * again with the same body resumes the payment when its outcome was left open (same id, same
   * bytes, same X-EXTERNAL-ID): under the same Idempotency-Key, or as a plain retry once the first
   * submission is over. Anything else under an existing order is a duplicate.
   */
  async create(dto: CreatePaymentDto, idempotencyKey?: string): Promise<HttpResult> {
    const channel = dto.channel ?? 'DANA';
    const request = this.buildRequest(channel, dto);
    // Checked here, not with the body's other rules: a retry that resumes or replays the payment
    // must not be refused because the time has passed since.
    if (dto.validUpTo !== undefined && parseSnapTimestamp(dto.validUpTo)! <= Date.now()) {
      const existing = await this.payments.findByPartnerReferenceNo(dto.partnerReferenceNo);
      if (existing) return this.again(existing, request, dto.metadata, idempotencyKey);
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
          channelInput: request.channelInput,
          metadata: dto.metadata,
          requestBody: request.requestBody,
          idempotencyKey: idempotencyKey ?? null,
          submitLeaseMs: this.submitLeaseMs,
        },
        this.externalIds.draw,
        this.externalIds.today(),
      );
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      const existing = await this.payments.findByPartnerReferenceNo(dto.partnerReferenceNo);
      if (!existing) throw err;
      return this.again(existing, request, dto.metadata, idempotencyKey);
    }
    return this.submit(payment);
  }

  /**
   * The order exists: resumed when it is the same request and its outcome was left open (or the
   * same Idempotency-Key asks again); 409 otherwise, naming the payment.
   */
  private again(
    existing: PaymentEntity,
    request: { channelInput: Record<string, unknown>; requestBody: string },
    metadata: Record<string, string> | undefined,
    idempotencyKey?: string,
  ): Promise<HttpResult> {
    const sameRequest =
      existing.requestBody === request.requestBody &&
      isDeepStrictEqual(existing.channelInput, request.channelInput) &&
      isDeepStrictEqual(existing.metadata, metadata ?? {});
    if (!sameRequest) throw duplicate(existing.id);
    // Under its own key the idempotency lock says no one else runs it.
    if (idempotencyKey !== undefined && existing.idempotencyKey === idempotencyKey)
      return this.resume(existing);
    const open = existing.status === 'PENDING' && !existing.redirectUrl;
    if (!open) throw duplicate(existing.id);
    if (existing.submittingUntil && existing.submittingUntil.getTime() > Date.now())
      throw new ApiError(
        409,
        'PAYMENT_IN_PROGRESS',
        'The first request for this order is still being sent to DOKU; send it again in a moment to get its answer.',
        [{ field: 'partnerReferenceNo', message: 'in progress', paymentId: existing.id }],
      );
    return this.resume(existing);
  }

  async get(id: string): Promise<PaymentView> {
    const payment = await this.payments.findById(id, true);
    if (!payment) throw notFound('payment');
    return toPaymentView(payment, { withRefunds: true });
  }

  /** Payments matching the query, newest first, a page at a time. */
  find(query: FindPaymentsQuery): Promise<Page<PaymentView>> {
    const separator = query.metadata?.indexOf(':') ?? -1;
    return page(
      query,
      (after, limit) =>
        this.payments.list(
          {
            status: query.status,
            channel: query.channel,
            partnerReferenceNo: query.partnerReferenceNo,
            ...createdWindow(query),
            metadata:
              query.metadata === undefined
                ? undefined
                : { [query.metadata.slice(0, separator)]: query.metadata.slice(separator + 1) },
            attention: query.attention === 'true',
          },
          after,
          limit,
        ),
      (p) => toPaymentView(p),
    );
  }

  /** The refunds of a payment, newest first. */
  async refundsOf(paymentId: string, query: ListQuery): Promise<Page<RefundView>> {
    if (!(await this.payments.findById(paymentId))) throw notFound('payment');
    return page(
      query,
      (after, limit) => this.refunds.list({ paymentId, ...createdWindow(query) }, after, limit),
      toRefundView,
    );
  }

  async history(id: string): Promise<PaymentHistoryView> {
    const payment = await this.payments.findById(id);
    if (!payment) throw notFound('payment');
    return toHistoryView(await this.payments.statusHistory(id));
  }

  /** A person's decision about a payment marked for attention, recorded with who and why. */
  async resolve(id: string, dto: ResolvePaymentDto, caller: string): Promise<PaymentView> {
    const resolved = await this.late.resolve(id, dto.action, caller, dto.reason);
    this.logger.warn(
      { paymentId: id, action: dto.action, by: caller },
      'payment resolved by an operator',
    );
    return toPaymentView(resolved);
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
        // payment under this reference: our own earlier, timed-out send): only its status can
        // tell, or a resend of the same bytes, which a plain retry of the order may make now.
        this.logger.warn(
          { paymentId: payment.id, reason: outcome.reason },
          'payment outcome unknown; left PENDING for status checks',
        );
        await this.payments.endSubmission(payment.id);
        throw dokuOutcomeUnknown(subject, outcome.reason);
    }
  }
}

function duplicate(paymentId: string): ApiError {
  return new ApiError(
    409,
    'DUPLICATE_PARTNER_REFERENCE_NO',
    `A payment with this partnerReferenceNo already exists: ${paymentId}.`,
    [{ field: 'partnerReferenceNo', message: 'already used', paymentId }],
  );
}
