import { parseSnapTimestamp, SIMULATED_VA_BINS, SNAP_CHANNELS, VA_NAME_RE } from '@app/doku-snap';
import { reject } from './snap-answer';
import type { VirtualAccountTerms } from './state';
import {
  isMissing,
  isObject,
  optionalString,
  requiredAmount,
  requiredObject,
  requiredString,
} from './validation';

type Json = Record<string, unknown>;

/** DOKU's VA channel codes the simulator offers. */
const VA_CHANNELS = new Set(
  SNAP_CHANNELS.filter((c) => c.kind === 'virtual_account').map((c) => c.dokuChannel),
);

/** An account's three ids, checked as DOKU's SDK validators check them. */
export interface AccountIds {
  partnerServiceId: string;
  customerNo: string;
  virtualAccountNo: string;
}

/**
 * partnerServiceId: the BIN left-padded with spaces to exactly 8 (an unpadded one is "Invalid
 * Field Format", as DOKU's sandbox answers); virtualAccountNo: it and the customer number joined.
 */
export function accountIds(body: Json): AccountIds {
  const partnerServiceId = requiredString(body, 'partnerServiceId', 'partnerServiceId', 8);
  if (!/^ *[0-9]+$/.test(partnerServiceId) || partnerServiceId.length !== 8)
    throw reject.format('partnerServiceId');
  const customerNo = requiredString(body, 'customerNo', 'customerNo', 20);
  if (!/^[0-9]+$/.test(customerNo)) throw reject.format('customerNo');
  const virtualAccountNo = requiredString(body, 'virtualAccountNo', 'virtualAccountNo', 28);
  if (virtualAccountNo !== partnerServiceId + customerNo) throw reject.format('virtualAccountNo');
  return { partnerServiceId, customerNo, virtualAccountNo };
}

/** additionalInfo.channel: a VA code, whose BIN must be the one assigned to the merchant. */
function vaChannel(body: Json, ids: AccountIds): string {
  const info = requiredObject(body, 'additionalInfo', 'additionalInfo');
  const channel = info.channel;
  if (isMissing(channel)) throw reject.mandatory('additionalInfo.channel');
  if (typeof channel !== 'string' || !VA_CHANNELS.has(channel))
    throw reject.format('additionalInfo.channel');
  if (SIMULATED_VA_BINS[channel] !== ids.partnerServiceId.trim()) throw reject.binNotConfigured();
  return channel;
}

export interface CreateVaRequest extends VirtualAccountTerms {
  /** update-va: `additionalInfo.virtualAccountConfig.status`. */
  configStatus?: 'ACTIVE' | 'INACTIVE';
}

/** Create VA (and update VA, the same body): closed amounts only in this simulator. */
export function validateCreateVa(body: Json, nowMs: number): CreateVaRequest {
  const ids = accountIds(body);
  const channel = vaChannel(body, ids);
  const name = requiredString(body, 'virtualAccountName', 'virtualAccountName', 255);
  if (!VA_NAME_RE.test(name)) throw reject.format('virtualAccountName');
  const email = optionalString(body, 'virtualAccountEmail', 'virtualAccountEmail', 255);
  const phone = optionalString(body, 'virtualAccountPhone', 'virtualAccountPhone', 30);
  if (phone !== undefined && phone.length < 9) throw reject.format('virtualAccountPhone');
  const trxId = requiredString(body, 'trxId', 'trxId', 64);
  const amount = requiredAmount(body, 'totalAmount');
  const trxType = requiredString(body, 'virtualAccountTrxType', 'virtualAccountTrxType', 1);
  if (trxType !== 'C') throw reject.format('virtualAccountTrxType');
  const expiredDate = optionalString(body, 'expiredDate', 'expiredDate', 40);
  const expiresAtMs = expiredDate === undefined ? undefined : parseSnapTimestamp(expiredDate);
  if (expiresAtMs === null || (expiresAtMs !== undefined && expiresAtMs <= nowMs))
    throw reject.format('expiredDate');
  const config = (body.additionalInfo as Json).virtualAccountConfig;
  let configStatus: CreateVaRequest['configStatus'];
  if (config !== undefined) {
    if (!isObject(config)) throw reject.format('additionalInfo.virtualAccountConfig');
    if (config.status !== undefined) {
      if (config.status !== 'ACTIVE' && config.status !== 'INACTIVE')
        throw reject.format('additionalInfo.virtualAccountConfig.status');
      configStatus = config.status;
    }
  }
  return {
    ...ids,
    channel,
    name,
    ...(email !== undefined ? { email } : {}),
    ...(phone !== undefined ? { phone } : {}),
    trxId,
    amount,
    ...(expiredDate !== undefined ? { expiredDate } : {}),
    ...(configStatus !== undefined ? { configStatus } : {}),
  };
}

/** Delete VA: the account's ids, its trxId and channel. */
export function validateDeleteVa(body: Json): AccountIds & { trxId: string; channel: string } {
  const ids = accountIds(body);
  const channel = vaChannel(body, ids);
  return { ...ids, trxId: requiredString(body, 'trxId', 'trxId', 64), channel };
}

/** Inquiry status VA: the account's ids; the request ids are optional. */
export function validateVaStatus(body: Json): AccountIds & { inquiryRequestId?: string } {
  const ids = accountIds(body);
  const inquiryRequestId = optionalString(body, 'inquiryRequestId', 'inquiryRequestId', 128);
  optionalString(body, 'paymentRequestId', 'paymentRequestId', 128);
  return { ...ids, ...(inquiryRequestId !== undefined ? { inquiryRequestId } : {}) };
}
