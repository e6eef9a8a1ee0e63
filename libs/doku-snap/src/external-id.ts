import { randomInt } from 'node:crypto';
import { Clock, systemClock } from './clock';

/** Draws `X-EXTERNAL-ID` values: numeric strings, at most 36 digits. */
export interface ExternalIdGenerator {
  next(): string;
}

const SEQUENCE_SPAN = 1_000_000;

/**
 * 31 digits: epoch milliseconds (13) + a per-process tag (6) + a per-process sequence (6) +
 * random (6). The sequence separates ids drawn in the same millisecond by one process; the tag
 * and the random tail make two processes agreeing on all 31 digits vanishingly unlikely (and the
 * database's per-day constraint catches even that).
 */
export function createExternalIdGenerator(clock: Clock = systemClock): ExternalIdGenerator {
  const processTag = String(randomInt(0, 1_000_000)).padStart(6, '0');
  let sequence = randomInt(0, SEQUENCE_SPAN);
  return {
    next() {
      sequence = (sequence + 1) % SEQUENCE_SPAN;
      return (
        String(Math.trunc(clock.now())).padStart(13, '0') +
        processTag +
        String(sequence).padStart(6, '0') +
        String(randomInt(0, 1_000_000)).padStart(6, '0')
      );
    },
  };
}

export const EXTERNAL_ID_RE = /^[0-9]{1,36}$/;

export function isValidExternalId(value: string): boolean {
  return EXTERNAL_ID_RE.test(value);
}
