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
