import { Inject, Injectable, Logger } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import {
  compactJson,
  CustomerContext,
  parseSnapTimestamp,
  restoreRequest,
  SnapValidationError,
} from '@app/doku-snap';
import {
  DuplicateKeyError,
  PaymentEntity,
  PaymentsRepository,
  RefundsRepository,
} from '@app/persistence';
import { CHANNEL_FIELDS, ChannelAdapter, IssuedTerms } from '../channels/channel-adapter';
import { issuedOf, PaymentTerms } from './payment-terms';
import type { QrInstructions } from '../channels/qris.channel';
import { qrOf } from './qr-image';
import { QrConfirmations } from '../qr-confirmations/qr-confirmations';
import { Channels } from '../channels/channels';
import { compareMoney } from '../common/money';
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
import {
  BindingNotActiveError,
  CustomerTokenUnavailableError,
  customerTokenRefused,
} from '../wallet-bindings/customer-tokens';
import { CustomerContexts } from '../wallet-bindings/customer-contexts';
import { PaymentBindings } from '../wallet-bindings/payment-bindings';

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
    private readonly customers: CustomerContexts,
    private readonly paymentBindings: PaymentBindings,
    private readonly terms: PaymentTerms,
    private readonly confirmations: QrConfirmations,
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
    const adapter = this.channels.enabledAdapter(channel);
    const issued = adapter.issues ? await this.terms.issue(adapter) : undefined;
    const request = this.buildRequest(adapter, dto, issued);
    // The order stored already holds its account: a retry is the same request with that one
    // (the number just drawn is skipped, never reused).
    const asStored = (existing: PaymentEntity) => {
      const theirs = issued && existing.channel === channel ? issuedOf(existing) : undefined;
      return theirs ? this.buildRequest(adapter, dto, theirs) : request;
    };
    checkAmountLimits(adapter, dto.amount.value);
    // Checked here, not with the body's other rules: a retry that resumes or replays the payment
    // must not be refused because the time has passed since.
    if (dto.validUpTo !== undefined && parseSnapTimestamp(dto.validUpTo)! <= Date.now()) {
      const existing = await this.payments.findByPartnerReferenceNo(dto.partnerReferenceNo);
      if (existing) return this.again(existing, asStored(existing), dto.metadata, idempotencyKey);
      throw validationFailed([{ field: 'validUpTo', message: 'validUpTo must be in the future' }]);
    }
    if (adapter.bindingId)
      await this.paymentBindings.check(adapter.bindingId(request.channelInput), channel, dto);
    let payment: PaymentEntity;
    try {
      payment = await this.payments.create(
        {
          partnerReferenceNo: dto.partnerReferenceNo,
          channel,
          amountValue: dto.amount.value,
          currency: dto.amount.currency,
          validUpTo: dto.validUpTo ?? request.validUpTo ?? null,
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
      return this.again(existing, asStored(existing), dto.metadata, idempotencyKey);
    }
    return this.submit(payment, true);
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
    if (!awaitingDokuAnswer(existing)) throw duplicate(existing.id);
    if (existing.submittingUntil && existing.submittingUntil.getTime() > Date.now())
      throw new ApiError(
        409,
        'PAYMENT_IN_PROGRESS',
        'The first request for this order is still being sent to DOKU; send it again in a moment to get its answer.',
        [{ field: 'partnerReferenceNo', message: 'in progress', paymentId: existing.id }],
      );
    return this.resume(existing);
  }

  /** The payment's QR (QRIS), for rendering; 404 when the payment or its QR does not exist. */
  async qr(id: string): Promise<QrInstructions> {
    const payment = await this.payments.findById(id);
    if (!payment) throw notFound('payment');
    return qrOf(payment);
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

  /**
   * The channel's DOKU request for the caller's order, its bytes fixed; 400 naming a field the
   * channel does not take, one it needs, or one its builder refuses.
   */
  private buildRequest(
    adapter: ChannelAdapter,
    dto: CreatePaymentDto,
    issued?: IssuedTerms,
  ): { channelInput: Record<string, unknown>; requestBody: string; validUpTo?: string } {
    const channel = adapter.spec.channel;
    const given = dto as unknown as Record<string, unknown>;
    const problems = [
      ...adapter.fields.required
        .filter((f) => given[f] === undefined)
        .map((field) => ({ field, message: `${field} is required for channel ${channel}` })),
      ...CHANNEL_FIELDS.filter(
        (f) =>
          given[f] !== undefined &&
          !adapter.fields.required.includes(f) &&
          !adapter.fields.optional.includes(f),
      ).map((field) => ({ field, message: `${field} is not taken by channel ${channel}` })),
    ];
    if (problems.length > 0) throw validationFailed(problems);
    try {
      const { channelInput, dokuInput, validUpTo } = adapter.paymentRequest(dto, issued);
      // The customer headers are checked now where they come from the request (a bound
      // wallet's token is the binding's, had when the request is sent).
      if (!adapter.bindingId) adapter.spec.payment.headers(adapter.customer(channelInput));
      const requestBody = compactJson(adapter.spec.payment.body(dokuInput));
      return { channelInput, requestBody, ...(validUpTo ? { validUpTo } : {}) };
    } catch (err) {
      if (err instanceof SnapValidationError) {
        throw validationFailed([{ field: err.field, message: err.reason }]);
      }
      throw err;
    }
  }

  private async resume(payment: PaymentEntity): Promise<HttpResult> {
    if (awaitingDokuAnswer(payment)) return this.submit(payment, false);
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
  /** `firstSend`: nothing of this payment has been sent before (not a resume). */
  private async submit(payment: PaymentEntity, firstSend: boolean): Promise<HttpResult> {
    const adapter = this.channels.get(payment.channel);
    const send = (customer: CustomerContext) =>
      this.gateway.call(
        restoreRequest(adapter.spec.payment, payment.requestBody, payment.externalId, customer),
        {
          purpose: 'payment',
          subjectId: payment.id,
          // After a token refresh DOKU gets a new id; it is stored before it is sent.
          storeExternalId: async (externalId) => {
            await this.payments.recordDokuAnswer(payment.id, { externalId });
          },
          attempts: this.config.doku.paymentAttempts,
        },
      );
    let outcome = await send(await this.customerOf(payment, false, firstSend));
    // DOKU refused the customer token, not the payment: once more with a renewed token (the
    // binding found unlinked on the way fails the payment as BINDING_NOT_ACTIVE).
    if (
      adapter.bindingId &&
      outcome.kind === 'refused' &&
      customerTokenRefused(outcome.result.responseCode)
    ) {
      const renewed = await this.customerOf(payment, true, firstSend).catch((err: unknown) => {
        if (err instanceof CustomerTokenUnavailableError) return undefined;
        throw err;
      });
      if (renewed) outcome = await send(renewed);
    }
    const subject = { paymentId: payment.id };
    switch (outcome.kind) {
      case 'done': {
        const action = adapter.customerAction(outcome.result.body, payment.channelInput);
        const updated = await this.payments.recordDokuAnswer(payment.id, action);
        // The customer has the QR: its confirmation by query starts now.
        if (adapter.confirmsByQuery && action.instructions)
          await this.confirmations.start(payment.id);
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

  /**
   * The payment's customer headers. A bound wallet's binding that is no longer ACTIVE fails the
   * payment at its first send (nothing was sent); no token to be had now leaves it to be resumed.
   */
  private async customerOf(
    payment: PaymentEntity,
    renew: boolean,
    firstSend: boolean,
  ): Promise<CustomerContext> {
    try {
      return renew
        ? ((await this.customers.renewed(payment)) ?? this.customers.of(payment))
        : await this.customers.of(payment);
    } catch (err) {
      // A resumed payment may be at DOKU from an earlier send whose answer was lost: it stays
      // PENDING for its status to settle, whatever became of the binding since.
      if (err instanceof BindingNotActiveError && !firstSend) {
        await this.payments.endSubmission(payment.id);
        throw PaymentBindings.notActive(err.binding);
      }
      if (err instanceof BindingNotActiveError) {
        await this.payments.changeStatus(payment.id, {
          to: 'FAILED',
          source: 'doku_payment',
          detail: { bindingStatus: err.binding.status },
          failureCode: 'BINDING_NOT_ACTIVE',
          failureMessage: `The binding is ${err.binding.status}`,
        });
        throw PaymentBindings.notActive(err.binding);
      }
      if (err instanceof CustomerTokenUnavailableError) {
        await this.payments.endSubmission(payment.id);
        throw dokuUnavailable({ paymentId: payment.id }, err.message);
      }
      throw err;
    }
  }
}

/** Amounts outside the channel's limits: 422 AMOUNT_OUT_OF_RANGE naming them. */
function checkAmountLimits(adapter: ChannelAdapter, value: string): void {
  const { minimum, maximum } = adapter.spec.limits.amount;
  if (compareMoney(value, minimum) >= 0 && compareMoney(value, maximum) <= 0) return;
  throw new ApiError(
    422,
    'AMOUNT_OUT_OF_RANGE',
    `Channel ${adapter.spec.channel} takes amounts from ${minimum} to ${maximum}.`,
    [{ field: 'amount.value', message: `must be from ${minimum} to ${maximum}` }],
  );
}

/**
 * The payment's request was sent and DOKU's answer (a checkout, an account) is not stored: its
 * outcome is open, and a resume sends the same bytes again.
 */
export function awaitingDokuAnswer(payment: PaymentEntity): boolean {
  return payment.status === 'PENDING' && !payment.redirectUrl && !payment.instructions;
}

function duplicate(paymentId: string): ApiError {
  return new ApiError(
    409,
    'DUPLICATE_PARTNER_REFERENCE_NO',
    `A payment with this partnerReferenceNo already exists: ${paymentId}.`,
    [{ field: 'partnerReferenceNo', message: 'already used', paymentId }],
  );
}
