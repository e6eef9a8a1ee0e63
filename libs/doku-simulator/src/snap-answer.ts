import { ServiceCode, snapCode } from '@app/doku-snap';
import type { SimOperation } from './types';

export const SERVICE_OF: Record<SimOperation, string> = {
  b2b_token: ServiceCode.B2B_TOKEN,
  b2b2c_token: ServiceCode.B2B2C_TOKEN,
  payment: ServiceCode.DEBIT_PAYMENT,
  check_status: ServiceCode.DEBIT_STATUS,
  refund: ServiceCode.DEBIT_REFUND,
  account_binding: ServiceCode.ACCOUNT_BINDING,
  account_unbinding: ServiceCode.ACCOUNT_UNBINDING,
  balance_inquiry: ServiceCode.BALANCE_INQUIRY,
  create_va: ServiceCode.VA_CREATE,
  update_va: ServiceCode.VA_UPDATE,
  delete_va: ServiceCode.VA_DELETE,
  va_status: ServiceCode.VA_STATUS,
  qris_generate: ServiceCode.QRIS_GENERATE,
  qris_query: ServiceCode.QRIS_QUERY,
  qris_cancel: ServiceCode.QRIS_CANCEL,
  qris_refund: ServiceCode.QRIS_REFUND,
};

/** What goes back on the wire. `body` is final bytes so a replay can repeat them exactly. */
export interface SnapAnswer {
  status: number;
  body: string;
  responseCode: string;
  headers?: Record<string, string>;
}

export function answer(
  responseCode: string,
  responseMessage: string,
  fields: Record<string, unknown> = {},
  headers?: Record<string, string>,
): SnapAnswer {
  return {
    status: Number(responseCode.slice(0, 3)),
    body: JSON.stringify({ responseCode, responseMessage, ...fields }),
    responseCode,
    headers,
  };
}

/**
 * A rejection with a SNAP code. Thrown from deep inside verification and validation so each check
 * can be one line; the server turns it into an answer.
 */
export class SnapReject extends Error {
  constructor(
    readonly httpStatus: number,
    readonly caseCode: string,
    readonly responseMessage: string,
  ) {
    super(responseMessage);
  }

  toAnswer(operation: SimOperation): SnapAnswer {
    return answer(
      snapCode(this.httpStatus, SERVICE_OF[operation], this.caseCode),
      this.responseMessage,
    );
  }
}

// SNAP's generic case codes (HTTP status + service code + case code), one constructor each.
export const reject = {
  badRequest: (why?: string) =>
    new SnapReject(400, '00', why ? `Bad Request. ${why}` : 'Bad Request'),
  format: (field: string) => new SnapReject(400, '01', `Invalid Field Format ${field}`),
  mandatory: (field: string) => new SnapReject(400, '02', `Invalid Mandatory Field ${field}`),
  unauthorized: (why: string) => new SnapReject(401, '00', `Unauthorized. ${why}`),
  invalidToken: (why?: string) =>
    new SnapReject(401, '01', why ? `Invalid Token (B2B). ${why}` : 'Invalid Token (B2B)'),
  tokenNotFound: () => new SnapReject(401, '03', 'Token Not Found (B2B)'),
  invalidCustomerToken: (why: string) =>
    new SnapReject(401, '02', `Invalid Customer Token. ${why}`),
  customerTokenNotFound: () => new SnapReject(401, '04', 'Customer Token Not Found'),
  notPermitted: (why: string) => new SnapReject(403, '15', `Transaction Not Permitted. ${why}`),
  notFound: () => new SnapReject(404, '01', 'Transaction Not Found'),
  invalidBill: (why: string) => new SnapReject(404, '12', `Invalid Bill/Virtual Account. ${why}`),
  paidBill: () => new SnapReject(404, '14', 'Paid Bill'),
  expiredBill: () => new SnapReject(404, '19', 'Invalid Bill/Virtual Account. Expired'),
  binNotConfigured: () =>
    new SnapReject(403, '15', 'Feature Not Allowed [Identifier for BIN not configured properly]'),
  invalidAmount: (why: string) => new SnapReject(404, '13', `Invalid Amount. ${why}`),
  inconsistent: (why: string) => new SnapReject(404, '18', `Inconsistent Request. ${why}`),
  conflict: () => new SnapReject(409, '00', 'Conflict'),
  duplicatePartnerReferenceNo: () => new SnapReject(409, '01', 'Duplicate partnerReferenceNo'),
};

/** Messages for codes a test injects without naming one. */
export function defaultMessage(httpStatus: number): string {
  if (httpStatus >= 200 && httpStatus < 300) return 'Successful';
  if (httpStatus === 429) return 'Too Many Requests';
  if (httpStatus === 504) return 'Timeout';
  if (httpStatus >= 500) return 'General Error';
  return 'Error';
}
