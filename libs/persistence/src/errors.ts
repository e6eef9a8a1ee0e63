/** A row would break a uniqueness rule; `field` names the business key. */
export class DuplicateKeyError extends Error {
  constructor(readonly field: string) {
    super(`duplicate ${field}`);
    this.name = 'DuplicateKeyError';
  }
}

/** No free X-EXTERNAL-ID could be drawn in the allowed attempts (the generator is broken). */
export class ExternalIdExhaustedError extends Error {
  constructor() {
    super('could not reserve a unique X-EXTERNAL-ID');
    this.name = 'ExternalIdExhaustedError';
  }
}

const UNIQUE_VIOLATION = '23505';
const DEADLOCK_DETECTED = '40P01';

/** PostgreSQL broke a deadlock by aborting this statement: nothing of it was written. */
export function isDeadlock(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  return (e?.driverError?.code ?? e?.code) === DEADLOCK_DETECTED;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as {
    code?: string;
    driverError?: { code?: string; constraint?: string };
    constraint?: string;
  };
  const code = e?.driverError?.code ?? e?.code;
  if (code !== UNIQUE_VIOLATION) return false;
  return constraint === undefined || (e.driverError?.constraint ?? e.constraint) === constraint;
}

/**
 * PostgreSQL refused the statement (a constraint, a type, a lock timeout): it was rolled back and
 * nothing of it was written. Not so for a lost connection (SQLSTATE class 08, or no SQLSTATE at
 * all) or an operator intervention (class 57): the statement may have committed.
 */
export function refusedByDatabase(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57)/.test(code);
}
