import type { ChannelAdapter } from './channel-adapter';
import { danaChannel } from './dana.channel';
import { ovoChannel } from './ovo.channel';
import { qrisChannel } from './qris.channel';
import { shopeepayChannel } from './shopeepay.channel';
import { VIRTUAL_ACCOUNTS } from '@app/doku-snap';
import { virtualAccountChannel } from './virtual-account.channel';

/** Every channel the service offers: adding one is adding its adapter here. */
export const CHANNEL_ADAPTERS: readonly ChannelAdapter[] = [
  danaChannel,
  shopeepayChannel,
  ovoChannel,
  ...VIRTUAL_ACCOUNTS.map(virtualAccountChannel),
  qrisChannel,
];
