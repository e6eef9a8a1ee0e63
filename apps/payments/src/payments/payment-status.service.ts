import { Injectable, Logger } from '@nestjs/common';
import {
  CheckStatusResponse,
  DokuSnapClient,
  parseResponseCode,
  parseSnapTimestamp,
  SnapResult,
  TokenRequestError,
} from '@app/doku-snap';
import {
  PaymentEntity,
  PaymentsRepository,
  PaymentStatus,
  StatusChangeSource,
} from '@app/persistence';
import { ExternalIdService } from '../doku/external-id.service';
import { MetricsService } from '../metrics/metrics.service';

export interface StatusCheckOutcome {
  payment: PaymentEntity;
  /** What DOKU answered; undefined when the token could not be had. */
  result?: SnapResult<CheckStatusResponse>;
  changed: boolean;
  /** DOKU says the transaction does not exist (404xx01). */
  notFound: boolean;
}

/** SNAP latestTransactionStatus → our status; undefined: not final yet, nothing to change. */
export function paymentStatusFromSnap(latest: string | undefined): PaymentStatus | undefined {
  switch (latest) {
    case '00':
    case '04': // refunded: it was paid first
      return 'PAID';
    case '05':
      return 'CANCELLED';
    case '06':
      return 'FAILED';
    default:
      return undefined;
  }
}

/** Asks DOKU's check status (serviceCode 55) about a payment and applies the answer. */
@Injectable()
export class PaymentStatusService {
  private readonly logger = new Logger('PaymentStatus');

  constructor(
    private readonly client: DokuSnapClient,
    private readonly payments: PaymentsRepository,
    private readonly externalIds: ExternalIdService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * DOKU's check status for the payment, nothing applied; undefined when no access token could
   * be had.
   */
  async query(payment: PaymentEntity): Promise<SnapResult<CheckStatusResponse> | undefined> {
    const reserve = () => this.externalIds.reserve('status_check', payment.id);
    const prepared = this.client.prepareCheckStatus(
      {
        originalPartnerReferenceNo: payment.partnerReferenceNo,
        originalReferenceNo: payment.referenceNo ?? undefined,
        originalExternalId: payment.externalId,
      },
      await reserve(),
    );
    try {
      return await this.client.checkStatus(prepared, { renewExternalId: reserve });
    } catch (err) {
      if (err instanceof TokenRequestError) return undefined;
      throw err;
    }
  }

  async check(payment: PaymentEntity, source: StatusChangeSource): Promise<StatusCheckOutcome> {
    const result = await this.query(payment);
    if (!result) return { payment, changed: false, notFound: false };
    await this.payments.markStatusChecked(payment.id);
    // Only SNAP's Transaction Not Found (404xx01) says DOKU does not know the payment; another 404
    // (an invalid merchant, a gateway's page for a wrong path) says nothing about it, and
    // reconciliation would expire a payment DOKU may have taken.
    const code = parseResponseCode(result.responseCode);
    const notFound = code?.httpStatus === 404 && code.caseCode === '01';
    if (result.outcome.kind !== 'success' || !result.body)
      return { payment, result, changed: false, notFound };

    const body = result.body;
    const target = paymentStatusFromSnap(body.latestTransactionStatus);
    if (!target) return { payment, result, changed: false, notFound: false };
    const paidValue = body.transAmount?.value;
    if (target === 'PAID' && paidValue !== undefined && paidValue !== payment.amountValue) {
      this.logger.warn(
        { paymentId: payment.id, expected: payment.amountValue, reported: paidValue },
        'status check reports another amount; not marking paid',
      );
      this.metrics.paymentDiscrepancies.inc({ source, kind: 'amount_mismatch' });
      return { payment, result, changed: false, notFound: false };
    }
    const applied = await this.payments.changeStatus(payment.id, {
      to: target,
      source,
      detail: {
        latestTransactionStatus: body.latestTransactionStatus,
        responseCode: result.responseCode,
      },
      referenceNo: body.originalReferenceNo ?? null,
      paidAt: target === 'PAID' && body.paidTime ? dateOrNull(body.paidTime) : null,
      ...(target === 'FAILED' || target === 'CANCELLED'
        ? {
            failureCode: body.latestTransactionStatus ?? null,
            failureMessage: body.transactionStatusDesc ?? null,
          }
        : {}),
    });
    if (applied.conflict) {
      this.logger.warn(
        { paymentId: payment.id, current: applied.from, reported: target },
        'status check contradicts a final status',
      );
      this.metrics.paymentDiscrepancies.inc({ source, kind: 'final_status_conflict' });
    }
    return { payment: applied.payment, result, changed: applied.changed, notFound: false };
  }
}

function dateOrNull(text: string): Date | null {
  const ms = parseSnapTimestamp(text);
  return ms === null ? null : new Date(ms);
}
