import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { RefundResponse, restoreRequest } from '@app/doku-snap';
import { PaymentEntity, RefundEntity, RefundsRepository } from '@app/persistence';
import { Channels } from '../channels/channels';
import { dokuAnswer } from '../doku/doku-failure';
import { DokuGateway, GatewayOutcome } from '../doku/doku-gateway';
import { ExternalIdService } from '../doku/external-id.service';
import { PaymentStatusInquiry, statusBody } from '../doku/payment-status.inquiry';
import { noteWork } from '../logging/work-context';
import { MetricsService } from '../metrics/metrics.service';
import {
  BindingNotActiveError,
  customerTokenRefused,
  CustomerTokenUnavailableError,
} from '../wallet-bindings/customer-tokens';
import { CustomerContexts } from '../wallet-bindings/customer-contexts';
import { RefundClaims } from './refund-claims';
import { refundRequestBody } from './refund-request';

/** A refund call whose outcome is not final yet: BullMQ retries it with backoff. */
export class RefundRetryableError extends Error {
  override name = 'RefundRetryableError';
}

const SUCCESS_REFUND_STATUS = /^(SUCCESS|SUCCEEDED|00)$/i;
const FAILED_REFUND_STATUS = /^(FAIL|FAILED|FAILURE|REJECTED|06)$/i;

type RefundInHistory =
  { kind: 'done'; refundNo: string | null } | { kind: 'absent' } | { kind: 'unknown' };

/**
 * Settles one refund with DOKU. Safe to run any number of times, concurrently or after a crash:
 * the request (bytes, partnerRefundNo, X-EXTERNAL-ID) is fixed in PostgreSQL before the first
 * call, every later call resends exactly it (DOKU replays its first answer), and a resumed refund
 * first looks for itself in DOKU's refundHistory.
 */
@Injectable()
export class RefundExecutor {
  private readonly logger = new Logger('RefundExecutor');

  constructor(
    private readonly refunds: RefundsRepository,
    private readonly claims: RefundClaims,
    private readonly gateway: DokuGateway,
    private readonly channels: Channels,
    private readonly externalIds: ExternalIdService,
    private readonly metrics: MetricsService,
    private readonly inquiry: PaymentStatusInquiry,
    private readonly customers: CustomerContexts,
  ) {}

  async execute(refundId: string): Promise<string> {
    const claim = await this.claims.claim(
      refundId,
      (refund, payment) => refundRequestBody(this.channels.get(payment.channel), refund, payment),
      this.externalIds.draw,
      this.externalIds.today(),
    );
    if (!claim) {
      this.logger.warn({ refundId }, 'refund job for a refund that does not exist');
      return 'MISSING';
    }
    if (claim.state === 'final') return claim.refund.status;
    const { refund, payment } = claim;
    noteWork({ paymentId: payment.id });

    // An earlier call may have reached DOKU: if DOKU lists this refund as done, settle it without
    // a call. Not knowing is fine: the resend below is idempotent at DOKU.
    let earlier: RefundInHistory | undefined;
    if (claim.resumed) {
      earlier = await this.refundHistoryOf(refund, payment);
      if (earlier.kind === 'done') return this.succeed(refund, earlier.refundNo, 'doku_status');
    }

    const adapter = this.channels.get(payment.channel);
    const outcome: GatewayOutcome<RefundResponse> = await this.gateway.call(
      restoreRequest(
        adapter.spec.refund!,
        refund.requestBody!,
        refund.externalId!,
        await this.customerOf(refund, payment, earlier),
      ),
      {
        purpose: 'refund',
        subjectId: refund.id,
        storeExternalId: (id) => this.refunds.replaceExternalId(refund.id, id),
      },
    );

    if (outcome.kind === 'done' && !outcome.inProgress)
      return this.succeed(refund, outcome.result.body?.refundNo ?? null, 'doku_refund');
    if (outcome.kind === 'refused') {
      const { result } = outcome;
      const code = result.responseCode ?? `HTTP${result.httpStatus}`;
      if (adapter.bindingId && customerTokenRefused(result.responseCode)) {
        // DOKU refused the customer token, not the refund: the next try carries a renewed one
        // (or, the binding unlinked, the refund fails there).
        await this.customers.renewed(payment).catch(() => undefined);
        await this.refunds.noteProblem(refund.id, code, result.responseMessage ?? null);
        throw new RefundRetryableError(`DOKU refused the customer token (${code})`);
      }
      if (earlier && earlier.kind !== 'absent') {
        // This resend was refused, but an earlier call may have refunded: failing the refund
        // would make its amount refundable again. Only DOKU's history saying it has no such
        // refund makes the refusal final; asked again only if it could not tell before the
        // resend (an answer of a moment ago that did not list it still holds).
        earlier = await this.refundHistoryOf(refund, payment);
        if (earlier.kind === 'done') return this.succeed(refund, earlier.refundNo, 'doku_status');
        if (earlier.kind === 'unknown') {
          await this.refunds.noteProblem(refund.id, code, result.responseMessage ?? null);
          throw new RefundRetryableError(
            `DOKU refused a resend (${code}) and its refund history does not show the refund's fate yet`,
          );
        }
      }
      const { changed } = await this.refunds.markFailed(
        refund.id,
        code,
        result.responseMessage ?? null,
      );
      if (changed) this.metrics.refundsFinal.inc({ status: 'FAILED' });
      throw new UnrecoverableError(
        `DOKU refused the refund: ${code} ${result.responseMessage ?? ''}`.trim(),
      );
    }
    if (outcome.kind === 'unavailable' && outcome.token) {
      await this.refunds.noteProblem(
        refund.id,
        outcome.token.responseCode ?? 'TOKEN',
        outcome.token.message,
      );
      throw new RefundRetryableError(outcome.token.message);
    }
    // In progress, no answer, a 409 that is no replay, a token still refused: not final yet.
    const result = outcome.result!;
    const why = result.error ?? dokuAnswer(result);
    await this.refunds.noteProblem(refund.id, result.responseCode ?? 'NO_ANSWER', why);
    throw new RefundRetryableError(`refund outcome not final yet (${result.outcome.kind}): ${why}`);
  }

  /**
   * The refund call's customer headers. A bound wallet's refund needs the binding's token: a
   * binding no longer ACTIVE fails the refund (DOKU takes no refund without it), unless an earlier
   * call may have refunded and DOKU's history could not say (failing it would make its amount
   * refundable again: retried until the history tells); no token to be had now is retried.
   */
  private async customerOf(
    refund: RefundEntity,
    payment: PaymentEntity,
    earlier: RefundInHistory | undefined,
  ) {
    try {
      return await this.customers.of(payment);
    } catch (err) {
      if (err instanceof BindingNotActiveError && earlier?.kind === 'unknown') {
        await this.refunds.noteProblem(refund.id, 'BINDING_NOT_ACTIVE', err.message);
        throw new RefundRetryableError(
          `${err.message}, and DOKU's refund history does not show the refund's fate yet`,
        );
      }
      if (err instanceof BindingNotActiveError) {
        const message = `The payment's binding is ${err.binding.status}: no customer token to refund with`;
        const { changed } = await this.refunds.markFailed(refund.id, 'BINDING_NOT_ACTIVE', message);
        if (changed) this.metrics.refundsFinal.inc({ status: 'FAILED' });
        throw new UnrecoverableError(message);
      }
      if (err instanceof CustomerTokenUnavailableError) {
        await this.refunds.noteProblem(refund.id, 'NO_CUSTOMER_TOKEN', err.message);
        throw new RefundRetryableError(err.message);
      }
      throw err;
    }
  }

  private async succeed(
    refund: RefundEntity,
    refundNo: string | null,
    source: 'doku_refund' | 'doku_status',
  ): Promise<string> {
    const { changed } = await this.refunds.markSucceeded(refund.id, refundNo, source);
    if (changed) this.metrics.refundsFinal.inc({ status: 'SUCCEEDED' });
    return 'SUCCEEDED';
  }

  /**
   * What DOKU's refund history says of this refund: done; absent (a status answer that does not
   * list it, or lists it as failed); or unknown (no status answer, or a state still open).
   */
  private async refundHistoryOf(
    refund: RefundEntity,
    payment: PaymentEntity,
  ): Promise<RefundInHistory> {
    try {
      const body = statusBody(await this.inquiry.ask(payment));
      if (!body) return { kind: 'unknown' };
      // A status without a history lists no refund of the payment.
      const history = body.refundHistory ?? [];
      const entry = history.find((h) => h.partnerReferenceNo === refund.partnerRefundNo);
      // Listed as failed: DOKU did not refund it, as when it is not listed at all.
      if (!entry || FAILED_REFUND_STATUS.test(entry.refundStatus ?? '')) return { kind: 'absent' };
      if (!SUCCESS_REFUND_STATUS.test(entry.refundStatus ?? '')) return { kind: 'unknown' };
      this.logger.log({ refundId: refund.id }, 'refund found done in DOKU refundHistory');
      return { kind: 'done', refundNo: entry.refundNo ?? null };
    } catch (err) {
      this.logger.warn(
        { refundId: refund.id, reason: (err as Error).message },
        'refund history lookup failed',
      );
      return { kind: 'unknown' };
    }
  }
}
