import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DELIVERY_STATUSES, EVENT_TYPES } from '@app/persistence';

/** An event as callers receive it, pushed or read (contract §6). */
export class EventView {
  @ApiProperty({ example: 'evt_3f1c9a8e0b2d4c6e8f0a1b2c3d4e5f60' }) id: string;
  @ApiProperty({ enum: EVENT_TYPES }) type: string;
  @ApiProperty({ description: 'When the change it reports was made' }) timestamp: string;
  @ApiProperty({
    type: Object,
    description: 'The payment or refund as GET /v1/payments/:id or /v1/refunds/:id showed it then',
  })
  data: Record<string, unknown>;
}

export class AttemptView {
  @ApiProperty({ enum: ['success', 'http_error', 'timeout', 'network', 'blocked'] })
  outcome: string;
  @ApiPropertyOptional({ type: Number, nullable: true }) statusCode: number | null;
  @ApiProperty() durationMs: number;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: "The start of the endpoint's answer (4 KiB at most), or what went wrong",
  })
  excerpt: string | null;
  @ApiProperty() at: string;
}

export class DeliveryView {
  @ApiProperty() endpointId: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: string;
  @ApiProperty({ description: 'Attempts of the current round (a redelivery starts one)' })
  attempts: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'While pending' })
  nextAttemptAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) deliveredAt: string | null;
  @ApiProperty({ type: [AttemptView], description: 'Every attempt, oldest first' })
  history: AttemptView[];
}

export class EventDetailView extends EventView {
  @ApiProperty({ type: [DeliveryView], description: 'One per endpoint it is owed to' })
  deliveries: DeliveryView[];
}

export class RedeliveryView {
  @ApiProperty() eventId: string;
  @ApiProperty({ type: [String], description: 'The endpoints it is owed to again' })
  endpointIds: string[];
}
