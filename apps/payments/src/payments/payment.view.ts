import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PaymentEntity, RefundEntity } from '@app/persistence';
import { MoneyDto } from '../common/money.dto';

export class RefundView {
  @ApiProperty() id: string;
  @ApiProperty() paymentId: string;
  @ApiProperty() partnerRefundNo: string;
  @ApiProperty({ type: MoneyDto }) amount: MoneyDto;
  @ApiPropertyOptional({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ enum: ['PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED'] }) status: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: "DOKU's refund number" })
  refundNo: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) failureCode: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) failureMessage: string | null;
  @ApiProperty({ description: 'Calls made to DOKU for this refund' }) attempts: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiPropertyOptional({ type: String, nullable: true }) completedAt: string | null;
}

export class PaymentView {
  @ApiProperty() id: string;
  @ApiProperty() partnerReferenceNo: string;
  @ApiProperty({ enum: ['DANA'] }) channel: string;
  @ApiProperty({ type: MoneyDto }) amount: MoneyDto;
  @ApiProperty({ enum: ['PENDING', 'PAID', 'FAILED', 'CANCELLED', 'EXPIRED'] }) status: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Where to send the customer (DANA checkout)',
  })
  redirectUrl: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: "DOKU's reference, a string" })
  referenceNo: string | null;
  @ApiProperty({ description: 'X-EXTERNAL-ID of the payment request' }) externalId: string;
  @ApiProperty({ type: MoneyDto }) refundedAmount: MoneyDto;
  @ApiPropertyOptional({ type: String, nullable: true }) failureCode: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) failureMessage: string | null;
  @ApiPropertyOptional({ type: [RefundView] }) refunds?: RefundView[];
  @ApiPropertyOptional({ type: String, nullable: true }) paidAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function toRefundView(r: RefundEntity): RefundView {
  return {
    id: r.id,
    paymentId: r.paymentId,
    partnerRefundNo: r.partnerRefundNo,
    amount: { value: r.amountValue, currency: r.currency },
    reason: r.reason,
    status: r.status,
    refundNo: r.refundNo,
    failureCode: r.failureCode,
    failureMessage: r.failureMessage,
    attempts: r.attempts,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    completedAt: iso(r.completedAt),
  };
}

export function toPaymentView(
  p: PaymentEntity,
  options: { withRefunds?: boolean } = {},
): PaymentView {
  const view: PaymentView = {
    id: p.id,
    partnerReferenceNo: p.partnerReferenceNo,
    channel: p.channel,
    amount: { value: p.amountValue, currency: p.currency },
    status: p.status,
    redirectUrl: p.redirectUrl,
    referenceNo: p.referenceNo,
    externalId: p.externalId,
    refundedAmount: { value: p.refundedAmount, currency: p.currency },
    failureCode: p.failureCode,
    failureMessage: p.failureMessage,
    paidAt: iso(p.paidAt),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
  if (options.withRefunds) view.refunds = (p.refunds ?? []).map(toRefundView);
  return view;
}
