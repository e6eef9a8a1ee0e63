import { Injectable } from '@nestjs/common';
import { parseResponseCode, PaymentRef, prepareRequest, StatusReport } from '@app/doku-snap';
import type { PaymentEntity } from '@app/persistence';
import type { ChannelAdapter } from '../channels/channel-adapter';
import { Channels } from '../channels/channels';
import { DokuGateway, GatewayOutcome } from './doku-gateway';
import { ExternalIdService } from './external-id.service';

/**
 * DOKU's answer to a status inquiry about a payment, its body read by the payment's channel into a
 * report (a virtual account's answer has another shape than a wallet's).
 */
export type StatusAnswer = GatewayOutcome<StatusReport>;

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
    const adapter = this.channels.get(payment.channel);
    const prepared = prepareRequest(
      adapter.spec.status,
      paymentRef(payment, adapter),
      await this.externalIds.reserve('status_check', payment.id),
    );
    const answer = await this.gateway.call(prepared, {
      purpose: 'status_check',
      subjectId: payment.id,
    });
    if (answer.result?.body !== undefined)
      answer.result.body = adapter.spec.statusReport(answer.result.body);
    return answer as StatusAnswer;
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

/** How DOKU knows the payment: its references, and the account it is paid into (if any). */
export function paymentRef(payment: PaymentEntity, adapter: ChannelAdapter): PaymentRef {
  return {
    originalPartnerReferenceNo: payment.partnerReferenceNo,
    originalReferenceNo: payment.referenceNo ?? undefined,
    originalExternalId: payment.externalId,
    ...adapter.reference?.(payment.channelInput),
  };
}

/** The status DOKU reported, when it answered one (not 202, not a refusal). */
export function statusBody(answer: StatusAnswer): StatusReport | undefined {
  return answer.kind === 'done' && !answer.inProgress ? answer.result.body : undefined;
}
