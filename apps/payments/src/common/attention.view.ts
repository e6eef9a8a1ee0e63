import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { isoOrNull } from './iso-time';

/** Why a person must look at a payment or a refund, since when, and what was found. */
export class AttentionView {
  @ApiProperty({
    description:
      'paid_after_expiry, paid_after_failure, paid_after_cancel, amount_mismatch (payments); attempts_exhausted (refunds)',
  })
  reason: string;
  @ApiProperty() since: string;
  @ApiPropertyOptional({
    type: Object,
    nullable: true,
    description: 'What DOKU reported, the policy and what it did',
  })
  detail?: Record<string, unknown> | null;
}

export function attentionView(
  reason: string | null,
  since: Date | null,
  detail?: Record<string, unknown> | null,
): AttentionView | null {
  if (!reason) return null;
  const view: AttentionView = { reason, since: isoOrNull(since)! };
  if (detail !== undefined) view.detail = detail;
  return view;
}
