import { SnapValidationError } from '../errors';
import {
  optionalString,
  optionalTimestamp,
  requireAmount,
  requireString,
  SnapAmount,
} from './fields';

/** SNAP virtual accounts ("bi-snap-va" v1.1): one format for every bank, told apart by channel and BIN. */
export const CREATE_VA_PATH = '/virtual-accounts/bi-snap-va/v1.1/transfer-va/create-va';
export const UPDATE_VA_PATH = '/virtual-accounts/bi-snap-va/v1.1/transfer-va/update-va';
export const DELETE_VA_PATH = '/virtual-accounts/bi-snap-va/v1.1/transfer-va/delete-va';
export const VA_STATUS_PATH = '/orders/v1.0/transfer-va/status';

const BIN_RE = /^[0-9]{1,8}$/;
const CUSTOMER_NO_RE = /^[0-9]{1,20}$/;
/** What DOKU takes in `virtualAccountName` (DOKU's Node SDK validator). */
export const VA_NAME_RE = /^[a-zA-Z0-9.\-/+,=_:'@% ]{1,255}$/;

/**
 * `partnerServiceId` as DOKU wants it: the bank's BIN left-padded with spaces to 8 characters
 * (DOKU's SDKs and a production client; an unpadded one is "Invalid Field Format").
 */
export function paddedPartnerServiceId(bin: string): string {
  if (typeof bin !== 'string' || !BIN_RE.test(bin.trim()))
    throw new SnapValidationError('partnerServiceId', 'must be a BIN of 1 to 8 digits');
  return bin.trim().padStart(8, ' ');
}

/** A virtual account's identity: padded BIN, customer number, and the two joined. */
export interface VirtualAccountId {
  partnerServiceId: string;
  customerNo: string;
  virtualAccountNo: string;
}

/** A fresh object each time: callers add fields after these three, in DOKU's order. */
export function virtualAccountId(bin: string, customerNo: string): VirtualAccountId {
  const partnerServiceId = paddedPartnerServiceId(bin);
  if (typeof customerNo !== 'string' || !CUSTOMER_NO_RE.test(customerNo))
    throw new SnapValidationError('customerNo', 'must be 1 to 20 digits');
  return { partnerServiceId, customerNo, virtualAccountNo: partnerServiceId + customerNo };
}

export interface CreateVaInput {
  /** The bank's BIN (unpadded). */
  bin: string;
  customerNo: string;
  name: string;
  email?: string;
  phone?: string;
  /** Our invoice: the payment's reference. */
  trxId: string;
  amount: SnapAmount;
  /** ISO-8601 with offset. */
  expiredDate?: string;
}

export interface CreateVaRequestBody extends VirtualAccountId {
  virtualAccountName: string;
  virtualAccountEmail?: string;
  virtualAccountPhone?: string;
  trxId: string;
  totalAmount: SnapAmount;
  additionalInfo: { channel: string };
  virtualAccountTrxType: 'C';
  expiredDate?: string;
}

export interface VirtualAccountData extends Partial<VirtualAccountId> {
  virtualAccountName?: string;
  trxId?: string;
  totalAmount?: SnapAmount;
  paidAmount?: SnapAmount;
  expiredDate?: string;
  additionalInfo?: { channel?: string; howToPayPage?: string; howToPayApi?: string };
  [key: string]: unknown;
}

export interface VaResponse {
  responseCode: string;
  responseMessage: string;
  virtualAccountData?: VirtualAccountData;
  [key: string]: unknown;
}

/**
 * A closed-amount VA (`virtualAccountTrxType` C), in the field order of DOKU's example (APIDOG
 * "create VA MGPC"); optional fields only when given.
 */
export function buildCreateVaBody(dokuChannel: string, input: CreateVaInput): CreateVaRequestBody {
  const body = virtualAccountId(input.bin, input.customerNo) as CreateVaRequestBody;
  if (typeof input.name !== 'string' || !VA_NAME_RE.test(input.name))
    throw new SnapValidationError(
      'virtualAccountName',
      "must be 1 to 255 letters, digits, spaces or . - / + , = _ : ' @ %",
    );
  const email = optionalString('virtualAccountEmail', input.email, 255);
  const phone =
    input.phone === undefined
      ? undefined
      : requireString('virtualAccountPhone', input.phone, 9, 30);
  // Fields added to the id's object, not spread after it: a literal that adds fields after a
  // spread gets a new hidden class each time (BENCHMARKS.md, scenario 2).
  body.virtualAccountName = input.name;
  if (email) body.virtualAccountEmail = email;
  if (phone) body.virtualAccountPhone = phone;
  body.trxId = requireString('trxId', input.trxId, 1, 64);
  body.totalAmount = requireAmount('totalAmount', input.amount);
  body.additionalInfo = { channel: dokuChannel };
  body.virtualAccountTrxType = 'C';
  const expiredDate = optionalTimestamp('expiredDate', input.expiredDate);
  if (expiredDate) body.expiredDate = expiredDate;
  return body;
}

export interface VaRefInput {
  bin: string;
  customerNo: string;
  trxId: string;
}

/** Delete VA: sent as DELETE with this JSON body (signed over exactly these bytes). */
export function buildDeleteVaBody(
  dokuChannel: string,
  input: VaRefInput,
): VirtualAccountId & { trxId: string; additionalInfo: { channel: string } } {
  const body = virtualAccountId(input.bin, input.customerNo) as VirtualAccountId & {
    trxId: string;
    additionalInfo: { channel: string };
  };
  body.trxId = requireString('trxId', input.trxId, 1, 64);
  body.additionalInfo = { channel: dokuChannel };
  return body;
}

/** Inquiry status VA; the production client puts the trx id in `inquiryRequestId`. */
export function buildVaStatusBody(
  input: VaRefInput,
): VirtualAccountId & { inquiryRequestId: string; additionalInfo: Record<string, never> } {
  const body = virtualAccountId(input.bin, input.customerNo) as VirtualAccountId & {
    inquiryRequestId: string;
    additionalInfo: Record<string, never>;
  };
  body.inquiryRequestId = requireString('inquiryRequestId', input.trxId, 1, 128);
  body.additionalInfo = {};
  return body;
}

/**
 * DOKU's answer to the VA status inquiry (Java SDK `CheckStatusVirtualAccountDataDto`).
 * `paymentFlagStatus` is SNAP's (ASPI) flag, "00" once paid; DOKU's SDK models leave it out, so a
 * `paidAmount` above zero is read as paid too (doku-channels.md section 3.5).
 */
export interface VaStatusResponse {
  responseCode: string;
  responseMessage: string;
  virtualAccountData?: VirtualAccountData & {
    paymentFlagStatus?: string;
    paymentFlagReason?: { english?: string; indonesia?: string };
    paymentRequestId?: string;
    trxDateTime?: string;
  };
  [key: string]: unknown;
}

/** Whether DOKU's VA status answer says the account was paid. */
export function vaPaid(body: VaStatusResponse | undefined): boolean {
  const data = body?.virtualAccountData;
  if (!data) return false;
  if (data.paymentFlagStatus !== undefined) return data.paymentFlagStatus === '00';
  const value = data.paidAmount?.value;
  return typeof value === 'string' && /[1-9]/.test(value);
}
