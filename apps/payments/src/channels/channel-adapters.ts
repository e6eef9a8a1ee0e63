import type { ChannelAdapter } from './channel-adapter';
import { danaChannel } from './dana.channel';
import { ovoChannel } from './ovo.channel';
import { shopeepayChannel } from './shopeepay.channel';

/** Every channel the service offers: adding one is adding its adapter here. */
export const CHANNEL_ADAPTERS: readonly ChannelAdapter[] = [
  danaChannel,
  shopeepayChannel,
  ovoChannel,
];
