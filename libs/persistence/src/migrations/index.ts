import { Initial1764000000000 } from './1764000000000-initial';

/** Listed explicitly, in order: no glob loading. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [Initial1764000000000];
