import { Global, Module } from '@nestjs/common';
import { Channels } from './channels';

/** The channel adapters, for every feature that builds or reads a channel's DOKU calls. */
@Global()
@Module({
  providers: [{ provide: Channels, useFactory: () => new Channels() }],
  exports: [Channels],
})
export class ChannelsModule {}
