export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

/** The one error shape of the internal API: `{ code, message, details }`. */
export interface ErrorBody {
  code: string;
  message: string;
  details: ErrorDetail[];
}

/** An error meant for the caller: its status, an UPPER_SNAKE code and a sentence. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Bad input: 400 VALIDATION_FAILED, each detail naming its field. */
export const validationFailed = (details: ErrorDetail[]) =>
  new ApiError(400, 'VALIDATION_FAILED', 'The request is invalid.', details);

export const notFound = (what: string) =>
  new ApiError(404, `${what.toUpperCase()}_NOT_FOUND`, `No ${what.toLowerCase()} with that id.`);
