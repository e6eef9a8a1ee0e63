import { UnknownChannelError } from '@app/doku-snap';
import type { ChannelAdapter } from './channel-adapter';
import { danaChannel } from './dana.channel';

/** Every channel the service offers: adding one is adding its adapter here. */
export const CHANNEL_ADAPTERS: readonly ChannelAdapter[] = [danaChannel];

/** The channels of this process, by name (the API's `channel`, the payment's `channel`). */
export class Channels {
  private readonly byName: Map<string, ChannelAdapter>;

  constructor(adapters: readonly ChannelAdapter[] = CHANNEL_ADAPTERS) {
    this.byName = new Map(adapters.map((a) => [a.spec.channel, a]));
  }

  get(channel: string): ChannelAdapter {
    const adapter = this.byName.get(channel);
    if (!adapter) throw new UnknownChannelError(channel);
    return adapter;
  }

  all(): ChannelAdapter[] {
    return [...this.byName.values()];
  }
}
