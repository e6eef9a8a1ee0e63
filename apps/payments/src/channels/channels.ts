import { UnknownChannelError } from '@app/doku-snap';
import { ApiError } from '../common/api-error';
import type { ChannelAdapter } from './channel-adapter';
import { CHANNEL_ADAPTERS } from './channel-adapters';

/**
 * The channels of this process, by name (the API's `channel`, the payment's `channel`). Every
 * known channel answers `get` (a payment of a channel since disabled is still checked and
 * refunded); new payments and bindings take the enabled ones only.
 */
export class Channels {
  private readonly byName: Map<string, ChannelAdapter>;
  private readonly enabledNames: Set<string>;

  constructor(
    adapters: readonly ChannelAdapter[] = CHANNEL_ADAPTERS,
    enabled: readonly string[] = adapters.map((a) => a.spec.channel),
  ) {
    this.byName = new Map(adapters.map((a) => [a.spec.channel, a]));
    this.enabledNames = new Set(enabled);
  }

  isEnabled(channel: string): boolean {
    return this.enabledNames.has(channel) && this.byName.has(channel);
  }

  /** A channel new payments and bindings may use; 422 CHANNEL_NOT_ENABLED naming those they may. */
  enabledAdapter(channel: string): ChannelAdapter {
    if (this.isEnabled(channel)) return this.get(channel);
    const enabled = this.enabled()
      .map((a) => a.spec.channel)
      .join(', ');
    throw new ApiError(422, 'CHANNEL_NOT_ENABLED', `Channel ${channel} is not enabled here.`, [
      { field: 'channel', message: `enabled: ${enabled}` },
    ]);
  }

  /** The enabled channels, in the registry's order. */
  enabled(): ChannelAdapter[] {
    return this.all().filter((a) => this.enabledNames.has(a.spec.channel));
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
