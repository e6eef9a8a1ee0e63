import { Initial1764000000000 } from './1764000000000-initial';
import { RefundCommittedAmount1764200000000 } from './1764200000000-refund-committed-amount';

/** Listed explicitly, in order: no glob loading. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [Initial1764000000000, RefundCommittedAmount1764200000000];
