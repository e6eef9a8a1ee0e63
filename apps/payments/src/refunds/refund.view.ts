import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REFUND_STATUSES, RefundEntity } from '@app/persistence';
import { MetadataOutput } from '../common/validators';
import { AttentionView, attentionView } from '../common/attention.view';
import { isoOrNull } from '../common/iso-time';
import { MoneyDto } from '../common/money.dto';

export class RefundView {
  @ApiProperty() id: string;
  @ApiProperty() paymentId: string;
  @ApiProperty() partnerRefundNo: string;
  @ApiProperty({ type: MoneyDto }) amount: MoneyDto;
  @ApiPropertyOptional({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ enum: REFUND_STATUSES }) status: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: "DOKU's refund number" })
  refundNo: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) failureCode: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) failureMessage: string | null;
  @ApiProperty({ description: 'Calls made to DOKU for this refund' }) attempts: number;
  @MetadataOutput()
  metadata: Record<string, string>;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiPropertyOptional({ type: String, nullable: true }) completedAt: string | null;
  @ApiPropertyOptional({
    type: AttentionView,
    nullable: true,
    description: 'Set while a person must look at the refund (GET /v1/refunds?attention=true)',
  })
  attention: AttentionView | null;
}

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
    metadata: r.metadata,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    completedAt: isoOrNull(r.completedAt),
    attention: attentionView(r.attentionReason, r.attentionSince),
  };
}
