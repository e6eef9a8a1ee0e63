import { SHOPEEPAY } from '@app/doku-snap';
import { redirectWallet } from './redirect-wallet.channel';

/** ShopeePay: DANA's flow without DANA's own fields (order title, deep-link checkout). */
export const shopeepayChannel = redirectWallet(SHOPEEPAY, [
  'ipAddress',
  'pointOfInitiation',
  'validUpTo',
]);
