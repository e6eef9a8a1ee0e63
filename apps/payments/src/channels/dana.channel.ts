import { DANA } from '@app/doku-snap';
import { redirectWallet } from './redirect-wallet.channel';

/** DANA: its checkout takes an order title and can open the DANA app (deep link). */
export const danaChannel = redirectWallet(DANA, [
  'ipAddress',
  'orderTitle',
  'pointOfInitiation',
  'deepLink',
  'validUpTo',
]);
