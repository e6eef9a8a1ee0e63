import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { PaymentStatusChangeEntity } from '@app/persistence';

export class StatusChangeView {
  @ApiPropertyOptional({ type: String, nullable: true }) from: string | null;
  @ApiProperty() to: string;
  @ApiProperty({
    description: 'api, doku_payment, notification, status_check, reconciliation, operator',
  })
  source: string;
  @ApiPropertyOptional({ type: Object, nullable: true }) detail: Record<string, unknown> | null;
  @ApiProperty() at: string;
}

export class PaymentHistoryView {
  @ApiProperty({ type: [StatusChangeView] }) items: StatusChangeView[];
}

export function toHistoryView(changes: PaymentStatusChangeEntity[]): PaymentHistoryView {
  return {
    items: changes.map((c) => ({
      from: c.fromStatus,
      to: c.toStatus,
      source: c.source,
      detail: c.detail,
      at: c.createdAt.toISOString(),
    })),
  };
}
