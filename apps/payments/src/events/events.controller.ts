import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Page } from '../common/list';
import { ApiErrors, InternalApi, pageOf, TakesBody } from '../http/api-docs';
import { EventDetailView, EventView, RedeliveryView } from './event.view';
import { EventsQuery, RedeliverDto } from './events.query';
import { EventsService } from './events.service';

const EventPage = pageOf(EventView, 'EventPage');

@ApiTags('events')
@InternalApi()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @ApiOperation({
    summary:
      'Events after a cursor, in the order their transactions committed safely (an event that commits late is never skipped); the last page still gives a cursor to ask again from',
  })
  @ApiResponse({ status: 200, type: EventPage })
  find(@Query() query: EventsQuery): Promise<Page<EventView>> {
    return this.events.find(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One event, with its deliveries and their attempts' })
  @ApiResponse({ status: 200, type: EventDetailView })
  @ApiErrors(404)
  get(@Param('id') id: string): Promise<EventDetailView> {
    return this.events.get(id);
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  @TakesBody()
  @ApiOperation({
    summary:
      'Deliver the event again to every endpoint that takes it, or to { endpointId } (a pending delivery goes on as it is)',
  })
  @ApiResponse({ status: 202, type: RedeliveryView })
  @ApiErrors(404, 409)
  redeliver(@Param('id') id: string, @Body() dto: RedeliverDto): Promise<RedeliveryView> {
    return this.events.redeliver(id, dto?.endpointId);
  }
}
