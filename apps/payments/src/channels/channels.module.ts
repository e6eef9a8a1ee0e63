import { Global, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { CHANNEL_ADAPTERS } from './channel-adapters';
import { Channels } from './channels';

/** The channel adapters, for every feature that builds or reads a channel's DOKU calls. */
@Global()
@Module({
  providers: [
    {
      provide: Channels,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new Channels(CHANNEL_ADAPTERS, config.channels.enabled),
    },
  ],
  exports: [Channels],
})
export class ChannelsModule {}
