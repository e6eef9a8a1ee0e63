import { Initial1764000000000 } from './1764000000000-initial';
import { RefundCommittedAmount1764200000000 } from './1764200000000-refund-committed-amount';
import { ChannelInput1765000000000 } from './1765000000000-channel-input';
import { RefundStatusChanges1765000000001 } from './1765000000001-refund-status-changes';
import { Attention1765000000002 } from './1765000000002-attention';
import { ListsAndMetadata1765000000003 } from './1765000000003-lists-and-metadata';
import { EventsAndWebhooks1765000000004 } from './1765000000004-events-and-webhooks';
import { WalletBindings1765000000005 } from './1765000000005-wallet-bindings';
import { VirtualAccounts1765000000006 } from './1765000000006-virtual-accounts';

/** Listed explicitly, in order: no glob loading. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  Initial1764000000000,
  RefundCommittedAmount1764200000000,
  ChannelInput1765000000000,
  RefundStatusChanges1765000000001,
  Attention1765000000002,
  ListsAndMetadata1765000000003,
  EventsAndWebhooks1765000000004,
  WalletBindings1765000000005,
  VirtualAccounts1765000000006,
];
