import { Injectable } from '@nestjs/common';
import { CheckStatusResponse, parseResponseCode, prepareRequest } from '@app/doku-snap';
import type { PaymentEntity } from '@app/persistence';
import { Channels } from '../channels/channels';
import { DokuGateway, GatewayOutcome } from './doku-gateway';
import { ExternalIdService } from './external-id.service';

/** DOKU's answer to a status inquiry about a payment. */
export type StatusAnswer = GatewayOutcome<CheckStatusResponse>;

/**
 * Asks DOKU's check status about a payment, through its channel's status operation; applies
 * nothing (the payments feature does, the refunds feature reads the refund history).
 */
@Injectable()
export class PaymentStatusInquiry {
  constructor(
    private readonly gateway: DokuGateway,
    private readonly externalIds: ExternalIdService,
    private readonly channels: Channels,
  ) {}

  async ask(payment: PaymentEntity): Promise<StatusAnswer> {
    const spec = this.channels.get(payment.channel).spec;
    const prepared = prepareRequest(
      spec.status,
      {
        originalPartnerReferenceNo: payment.partnerReferenceNo,
        originalReferenceNo: payment.referenceNo ?? undefined,
        originalExternalId: payment.externalId,
      },
      await this.externalIds.reserve('status_check', payment.id),
    );
    return this.gateway.call(prepared, { purpose: 'status_check', subjectId: payment.id });
  }
}

/**
 * DOKU says it does not know the transaction: SNAP's Transaction Not Found (404xx01) alone. Another
 * 404 (an invalid merchant, a gateway's page for a wrong path) says nothing about the payment.
 */
export function reportsNotFound(answer: StatusAnswer): boolean {
  if (answer.kind !== 'refused') return false;
  const code = parseResponseCode(answer.result.responseCode);
  return code?.httpStatus === 404 && code.caseCode === '01';
}

/** The status body DOKU answered, when it answered one (not 202, not a refusal). */
export function statusBody(answer: StatusAnswer): CheckStatusResponse | undefined {
  return answer.kind === 'done' && !answer.inProgress ? answer.result.body : undefined;
}
