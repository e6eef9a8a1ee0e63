import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PAYMENT_STATUSES, PaymentEntity } from '@app/persistence';
import { AttentionView, attentionView } from '../common/attention.view';
import { isoOrNull } from '../common/iso-time';
import { MoneyDto } from '../common/money.dto';
import { MetadataOutput } from '../common/validators';
import { RefundView, toRefundView } from '../refunds/refund.view';
import { fullyRefunded, leftToRefund } from '../refunds/refundable';

export class LastStatusCheckView {
  @ApiPropertyOptional({ type: String, nullable: true, description: "DOKU's response code" })
  responseCode: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'latestTransactionStatus: 00 paid, 03 pending, 05 cancelled, 06 failed ...',
  })
  transactionStatus: string | null;
  @ApiProperty() at: string;
}

export class VirtualAccountView {
  @ApiProperty({ example: 'BCA' }) bank: string;
  @ApiProperty({
    example: '19008000000000042',
    description: 'What the customer types at the bank: digits only, no padding',
  })
  number: string;
  @ApiProperty({ example: 'Budi Santoso' }) name: string;
  @ApiProperty({ example: '2026-12-07T10:00:00+07:00' }) expiresAt: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: "DOKU's how-to-pay page" })
  howToPayUrl: string | null;
}

export class QrView {
  @ApiProperty({
    example: '00020101021226590014ID.CO.QRIS.WWW0118936000123…6304A1B2',
    description:
      'The dynamic QRIS (EMV MPM) string DOKU generated; GET /v1/payments/{id}/qr.png or qr.svg draws it',
  })
  content: string;
  @ApiProperty({
    example: '2026-12-07T10:30:00+07:00',
    description: 'When the QR stops taking payment',
  })
  expiresAt: string;
}

export class PaymentView {
  @ApiProperty() id: string;
  @ApiProperty() partnerReferenceNo: string;
  @ApiProperty({ example: 'DANA', description: 'GET /v1/channels lists them' }) channel: string;
  @ApiProperty({ type: MoneyDto }) amount: MoneyDto;
  @ApiProperty({ enum: PAYMENT_STATUSES }) status: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Where to send the customer (DANA checkout)',
  })
  redirectUrl: string | null;
  @ApiPropertyOptional({
    type: VirtualAccountView,
    description: 'Virtual accounts: where the customer transfers the amount, once DOKU created it',
  })
  virtualAccount?: VirtualAccountView;
  @ApiPropertyOptional({
    type: QrView,
    description:
      'QRIS: the QR the customer scans with any wallet or bank app; confirmed by querying DOKU, no notification needed',
  })
  qr?: QrView;
  @ApiPropertyOptional({ type: String, nullable: true, description: "DOKU's reference, a string" })
  referenceNo: string | null;
  @ApiProperty({ description: 'X-EXTERNAL-ID of the payment request' }) externalId: string;
  @ApiProperty({ type: MoneyDto }) refundedAmount: MoneyDto;
  @ApiProperty({
    type: MoneyDto,
    description: 'What refunds may still return (0 for a payment that takes none)',
  })
  refundableAmount: MoneyDto;
  @ApiProperty({
    description:
      'All that was paid has been refunded (refunds SUCCEEDED, not just accepted): the payment stays PAID',
  })
  fullyRefunded: boolean;
  @MetadataOutput()
  metadata: Record<string, string>;
  @ApiPropertyOptional({ type: String, nullable: true }) failureCode: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) failureMessage: string | null;
  @ApiPropertyOptional({ type: [RefundView] }) refunds?: RefundView[];
  @ApiPropertyOptional({ type: String, nullable: true }) paidAt: string | null;
  @ApiPropertyOptional({
    type: LastStatusCheckView,
    nullable: true,
    description: "What DOKU said at the payment's last status check",
  })
  lastStatusCheck: LastStatusCheckView | null;
  @ApiPropertyOptional({
    type: AttentionView,
    nullable: true,
    description: 'Set while a person must look at the payment (GET /v1/payments?attention=true)',
  })
  attention: AttentionView | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
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
    // What the customer needs besides a redirect, by kind: `virtualAccount` ...
    ...(p.instructions ?? {}),
    referenceNo: p.referenceNo,
    externalId: p.externalId,
    refundedAmount: { value: p.refundedAmount, currency: p.currency },
    refundableAmount: { value: leftToRefund(p) ?? '0.00', currency: p.currency },
    fullyRefunded: fullyRefunded(p),
    metadata: p.metadata,
    failureCode: p.failureCode,
    failureMessage: p.failureMessage,
    paidAt: isoOrNull(p.paidAt),
    lastStatusCheck: p.lastStatusCheck ?? null,
    attention: attentionView(p.attentionReason, p.attentionSince, p.attentionDetail),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
  if (options.withRefunds) view.refunds = (p.refunds ?? []).map(toRefundView);
  return view;
}
