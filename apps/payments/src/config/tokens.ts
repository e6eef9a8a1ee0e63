/** Injection tokens for values that are not classes. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const SNAP_CREDENTIALS = Symbol('SNAP_CREDENTIALS');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const CLOCK = Symbol('CLOCK');
