import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { notFound } from '../common/api-error';
import { ApiErrors, InternalApi, TakesBody } from '../http/api-docs';
import { WebhookEndpoints } from './webhook-endpoints.service';

export class WebhookEndpointView {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'Its URL, a query string shown as ?… (it may hold a token)' })
  url: string;
  @ApiProperty({ type: [String], description: 'Event type patterns it takes' }) events: string[];
  @ApiProperty({ description: 'During a rotation: both secrets sign' }) rotating: boolean;
  @ApiProperty() disabled: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'e.g. answered 410 Gone' })
  disabledReason: string | null;
}

/** The configured endpoints as the service sees them (never a secret), and enabling one again. */
@ApiTags('events')
@InternalApi()
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpoints) {}

  @Get()
  @ApiOperation({ summary: 'The configured webhook endpoints and whether each is disabled' })
  @ApiResponse({ status: 200, type: [WebhookEndpointView] })
  async list(): Promise<WebhookEndpointView[]> {
    return (await this.endpoints.states()).map(({ endpoint, disabledReason }) => ({
      id: endpoint.id,
      url: withoutQuery(endpoint.url),
      events: endpoint.events,
      rotating: endpoint.keys.length > 1,
      disabled: disabledReason !== null,
      disabledReason,
    }));
  }

  @Post(':id/enable')
  @HttpCode(202)
  @TakesBody()
  @ApiOperation({
    summary:
      'Enable an endpoint disabled by a 410: its held deliveries are sent again within a sweep (WEBHOOK_SWEEP_EVERY_MS)',
  })
  @ApiResponse({ status: 202 })
  @ApiErrors(404)
  async enable(@Param('id') id: string): Promise<{ id: string; disabled: false }> {
    if (!this.endpoints.get(id)) throw notFound('endpoint');
    await this.endpoints.enable(id);
    return { id, disabled: false };
  }
}

/** A URL with its query and fragment hidden: receivers sometimes take a token there. */
function withoutQuery(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
}
