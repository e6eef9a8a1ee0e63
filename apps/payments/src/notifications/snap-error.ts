/** `{ responseCode, responseMessage }`: the only error shape DOKU gets from us. */
export interface SnapErrorBody {
  responseCode: string;
  responseMessage: string;
}

/**
 * A refusal of one of DOKU's calls, as a SNAP code (`HHH` HTTP status, `SS` service, `CC` case).
 * Messages are fixed sentences and field names: never a header value, token or secret.
 */
export class SnapError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly responseCode: string,
    readonly responseMessage: string,
  ) {
    super(responseMessage);
    this.name = 'SnapError';
  }

  toBody(): SnapErrorBody {
    return { responseCode: this.responseCode, responseMessage: this.responseMessage };
  }
}

/** SNAP's generic cases (HTTP status + service code + case code) for one service code. */
export function snapErrors(service: string) {
  return {
    badRequest: () => new SnapError(400, `400${service}00`, 'Bad Request'),
    invalidFieldFormat: (field: string) =>
      new SnapError(400, `400${service}01`, `Invalid Field Format ${field}`),
    invalidMandatoryField: (field: string) =>
      new SnapError(400, `400${service}02`, `Invalid Mandatory Field ${field}`),
    unauthorized: (reason: string) =>
      new SnapError(401, `401${service}00`, `Unauthorized. ${reason}`),
    invalidToken: () => new SnapError(401, `401${service}01`, 'Invalid Token (B2B)'),
    transactionNotFound: () => new SnapError(404, `404${service}01`, 'Transaction Not Found'),
    generalError: () => new SnapError(500, `500${service}00`, 'General Error'),
  };
}

export type SnapErrors = ReturnType<typeof snapErrors>;
