import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InternalApi } from '../http/api-docs';
import { Channels } from './channels';
import { ChannelView, toChannelView } from './channel.view';

@ApiTags('channels')
@InternalApi()
@Controller('v1/channels')
export class ChannelsController {
  constructor(private readonly channels: Channels) {}

  @Get()
  @ApiOperation({ summary: 'The channels this deployment offers (CHANNELS)' })
  @ApiResponse({ status: 200, type: ChannelView, isArray: true })
  list(): { items: ChannelView[] } {
    return { items: this.channels.enabled().map(toChannelView) };
  }
}
