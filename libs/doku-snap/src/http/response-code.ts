/** A SNAP response code `HHHSSCC`: HTTP status, service code, case code. */
export interface SnapResponseCode {
  readonly code: string;
  readonly httpStatus: number;
  readonly service: string;
  readonly caseCode: string;
}

export function parseResponseCode(code: unknown): SnapResponseCode | null {
  if (typeof code !== 'string' || !/^[1-5]\d{6}$/.test(code)) return null;
  return {
    code,
    httpStatus: Number(code.slice(0, 3)),
    service: code.slice(3, 5),
    caseCode: code.slice(5, 7),
  };
}

/** SNAP service codes used by this integration. */
export const ServiceCode = {
  B2B_TOKEN: '73',
  B2B2C_TOKEN: '74',
  ACCOUNT_BINDING: '07',
  ACCOUNT_UNBINDING: '09',
  BALANCE_INQUIRY: '11',
  DEBIT_PAYMENT: '54',
  DEBIT_STATUS: '55',
  DEBIT_NOTIFY: '56',
  DEBIT_REFUND: '58',
  VA_PAYMENT_NOTIFY: '25',
  VA_STATUS: '26',
  VA_CREATE: '27',
  VA_UPDATE: '28',
  VA_DELETE: '31',
  QRIS_GENERATE: '47',
  QRIS_QUERY: '51',
  QRIS_NOTIFY: '52',
  QRIS_CANCEL: '77',
  QRIS_REFUND: '78',
} as const;

export function snapCode(httpStatus: number, service: string, caseCode: string): string {
  return `${httpStatus}${service}${caseCode}`;
}
