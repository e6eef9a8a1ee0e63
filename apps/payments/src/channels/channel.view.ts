import { ApiProperty } from '@nestjs/swagger';
import type { ChannelAdapter } from './channel-adapter';

export class AmountLimitsView {
  @ApiProperty({ example: '1.00' }) minimum: string;
  @ApiProperty({ example: '9999999999999999.99' }) maximum: string;
}

export class ChannelView {
  @ApiProperty({ example: 'DANA' }) channel: string;
  @ApiProperty({
    enum: ['ewallet_redirect', 'ewallet_binding', 'virtual_account', 'qris'],
    description:
      'What the customer needs: a checkout to go to, an account bound beforehand, a virtual account to transfer to, or a QR to scan',
  })
  kind: string;
  @ApiProperty({ enum: ['partial', 'full', 'none'] }) refund: 'partial' | 'full' | 'none';
  @ApiProperty({ description: 'Payments need an ACTIVE wallet binding (bindingId)' })
  requiresBinding: boolean;
  @ApiProperty({ description: 'An open payment can be cancelled (POST /v1/payments/:id/cancel)' })
  cancellable: boolean;
  @ApiProperty({ type: AmountLimitsView }) amount: AmountLimitsView;
  @ApiProperty({ description: 'Fields its payments must carry besides the common ones' })
  requiredFields: string[];
  @ApiProperty({ description: 'Fields its payments may carry besides the common ones' })
  optionalFields: string[];
}

export function toChannelView(adapter: ChannelAdapter): ChannelView {
  const { spec } = adapter;
  return {
    channel: spec.channel,
    kind: spec.kind,
    // The debit refund takes any amount up to what is left: partial and full alike.
    refund: spec.refund ? 'partial' : 'none',
    requiresBinding: spec.binding !== undefined,
    cancellable: spec.cancel !== undefined,
    amount: { minimum: spec.limits.amount.minimum, maximum: spec.limits.amount.maximum },
    requiredFields: [...adapter.fields.required],
    optionalFields: [...adapter.fields.optional],
  };
}
