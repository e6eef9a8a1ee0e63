import {
  AMOUNT_VALUE_RE,
  parseSnapTimestamp,
  snapTimestamp,
  type SnapAmount,
} from '@app/doku-snap';
import { SimulatorError } from './errors';
import { toMinor } from './money';
import type { Recorder } from './recorder';
import { answer, reject, SnapAnswer } from './snap-answer';
import { typedNumber, type SimulatorState, type VirtualAccount } from './state';
import type { SimulatorSettings, VirtualAccountView } from './types';
import {
  type AccountIds,
  validateCreateVa,
  validateDeleteVa,
  validateVaStatus,
} from './va-validation';

export interface VaDeps {
  state: SimulatorState;
  recorder: Recorder;
  settings: SimulatorSettings;
  now: () => number;
}

/** The bank-transfer page of an account: DOKU's how-to-pay page, where the simulator takes the transfer. */
export const vaPageUrl = (publicBaseUrl: string, account: VirtualAccount) =>
  `${publicBaseUrl}/va/${account.pageId}`;

/**
 * SNAP virtual accounts: create (closed amount), update (PUT), delete (DELETE with a body), status,
 * and the bank transfer that pays one. Synchronous from check to write, like the wallets.
 */
export class VirtualAccountOperations {
  constructor(private readonly deps: VaDeps) {}

  /**
   * A repeat of an account with the same data answers the account again; another account under
   * its number or trxId is 4092700 Conflict (DOKU's SDK simulators).
   */
  create(body: Record<string, unknown>): SnapAnswer {
    const { state, now } = this.deps;
    const nowMs = now();
    const input = validateCreateVa(body, nowMs);
    const fingerprint = JSON.stringify(body);
    const existing =
      state.virtualAccounts.get(typedNumber(input.virtualAccountNo)) ??
      state.virtualAccountTrxIds.get(input.trxId);
    if (existing) {
      if (existing.fingerprint !== fingerprint) throw reject.conflict();
      return answer('2002700', 'Successful', { virtualAccountData: this.data(existing) });
    }
    const { configStatus: _ignored, ...terms } = input;
    const account: VirtualAccount = {
      ...terms,
      pageId: state.newPageId(),
      ...(input.expiredDate !== undefined
        ? { expiresAtMs: parseSnapTimestamp(input.expiredDate)! }
        : {}),
      status: 'OPEN',
      fingerprint,
      createdAtMs: nowMs,
    };
    state.addVirtualAccount(account);
    this.deps.recorder.paymentCreated();
    return answer('2002700', 'Successful', { virtualAccountData: this.data(account) });
  }

  /** Update VA: an open account's name, amount or expiry; `INACTIVE` closes it. */
  update(body: Record<string, unknown>): SnapAnswer {
    const input = validateCreateVa(body, this.deps.now());
    const account = this.find(input, input.trxId);
    if (account.status === 'PAID') throw reject.paidBill();
    if (account.status !== 'OPEN') throw reject.invalidBill(`It is ${account.status}`);
    account.name = input.name;
    account.amount = input.amount;
    if (input.expiredDate !== undefined) {
      account.expiredDate = input.expiredDate;
      account.expiresAtMs = parseSnapTimestamp(input.expiredDate)!;
    }
    if (input.configStatus === 'INACTIVE') account.status = 'INACTIVE';
    return answer('2002800', 'Successful', { virtualAccountData: this.data(account) });
  }

  /** Delete VA: an open (or expired) account is closed; deleting it again answers the same. */
  remove(body: Record<string, unknown>): SnapAnswer {
    const input = validateDeleteVa(body);
    const account = this.find(input, input.trxId);
    if (account.status === 'PAID') throw reject.paidBill();
    account.status = 'DELETED';
    return answer('2003100', 'Successful', {
      virtualAccountData: {
        partnerServiceId: account.partnerServiceId,
        customerNo: account.customerNo,
        virtualAccountNo: account.virtualAccountNo,
        trxId: account.trxId,
        additionalInfo: { channel: account.channel },
      },
    });
  }

  /**
   * Inquiry status VA (Java SDK's response): `paymentFlagStatus` "00" and the paid amount once
   * paid; "0.00" paid and no flag while not.
   */
  status(body: Record<string, unknown>): SnapAnswer {
    const input = validateVaStatus(body);
    const account = this.deps.state.virtualAccounts.get(typedNumber(input.virtualAccountNo));
    if (!account || account.customerNo !== input.customerNo) throw reject.notFound();
    const paid = account.status === 'PAID';
    return answer('2002600', 'Successful', {
      virtualAccountData: {
        ...(paid ? { paymentFlagStatus: '00' } : {}),
        paymentFlagReason: paid
          ? { english: 'Success', indonesia: 'Sukses' }
          : { english: STATUS_TEXT[account.status], indonesia: STATUS_TEXT[account.status] },
        partnerServiceId: account.partnerServiceId,
        customerNo: account.customerNo,
        virtualAccountNo: account.virtualAccountNo,
        ...(input.inquiryRequestId !== undefined
          ? { inquiryRequestId: input.inquiryRequestId }
          : {}),
        ...(account.paymentRequestId !== undefined
          ? { paymentRequestId: account.paymentRequestId }
          : {}),
        trxId: account.trxId,
        paidAmount: account.paidAmount ?? { value: '0.00', currency: account.amount.currency },
        billDetails: [{ billAmount: account.amount }],
        ...(account.paidTime !== undefined ? { trxDateTime: account.paidTime } : {}),
      },
      additionalInfo: { acquirer: account.channel },
    });
  }

  /**
   * A bank transfer into the account (`number` as the customer types it): an open account before
   * its expiry takes it; `amount` other than the bill's is allowed, to test mismatches.
   */
  pay(number: string, amount?: SnapAmount): VirtualAccount {
    const account = this.deps.state.virtualAccounts.get(typedNumber(number));
    if (!account) throw new SimulatorError(404, `no virtual account ${number}`);
    const nowMs = this.deps.now();
    if (account.status !== 'OPEN')
      throw new SimulatorError(
        409,
        `virtual account ${number} is ${account.status}: the bank refuses the transfer`,
      );
    if (account.expiresAtMs !== undefined && nowMs > account.expiresAtMs)
      throw new SimulatorError(
        409,
        `virtual account ${number} expired at ${account.expiredDate}: the bank refuses the transfer`,
      );
    const paid = amount ?? account.amount;
    if (
      typeof paid !== 'object' ||
      paid === null ||
      typeof paid.value !== 'string' ||
      !AMOUNT_VALUE_RE.test(paid.value) ||
      typeof paid.currency !== 'string' ||
      !/^[A-Z]{3}$/.test(paid.currency)
    )
      throw new SimulatorError(400, 'amount must be {"value":"15000.00","currency":"IDR"}');
    if (toMinor(paid.value) <= 0n) throw new SimulatorError(400, 'amount must be more than zero');
    account.status = 'PAID';
    account.paidAmount = { ...paid };
    account.paymentRequestId = this.deps.state.nextReference(nowMs);
    account.paidTime = snapTimestamp(nowMs);
    return account;
  }

  get(number: string): VirtualAccount | undefined {
    return this.deps.state.virtualAccounts.get(typedNumber(number));
  }

  views(): VirtualAccountView[] {
    return [...this.deps.state.virtualAccounts.values()].map((a) => this.view(a));
  }

  view(account: VirtualAccount): VirtualAccountView {
    return {
      channel: account.channel,
      number: typedNumber(account.virtualAccountNo),
      virtualAccountNo: account.virtualAccountNo,
      trxId: account.trxId,
      name: account.name,
      amount: { ...account.amount },
      status: account.status,
      ...(account.expiredDate !== undefined ? { expiredDate: account.expiredDate } : {}),
      ...(account.paidAmount !== undefined ? { paidAmount: { ...account.paidAmount } } : {}),
      ...(account.paymentRequestId !== undefined
        ? { paymentRequestId: account.paymentRequestId }
        : {}),
      howToPayPage: vaPageUrl(this.deps.settings.publicBaseUrl, account),
    };
  }

  /** The account the request names: the ids and the trxId must all be its. */
  private find(ids: AccountIds, trxId: string): VirtualAccount {
    const account = this.deps.state.virtualAccounts.get(typedNumber(ids.virtualAccountNo));
    if (!account || account.customerNo !== ids.customerNo || account.trxId !== trxId)
      throw reject.invalidBill('Not found');
    return account;
  }

  private data(account: VirtualAccount): Record<string, unknown> {
    const page = vaPageUrl(this.deps.settings.publicBaseUrl, account);
    return {
      ...accountFields(account),
      totalAmount: account.amount,
      virtualAccountTrxType: 'C',
      ...(account.expiredDate !== undefined ? { expiredDate: account.expiredDate } : {}),
      additionalInfo: { channel: account.channel, howToPayPage: page, howToPayApi: page },
    };
  }
}

/** The account as DOKU names it in its answers and its payment notification. */
export function accountFields(account: VirtualAccount): Record<string, unknown> {
  return {
    partnerServiceId: account.partnerServiceId,
    customerNo: account.customerNo,
    virtualAccountNo: account.virtualAccountNo,
    virtualAccountName: account.name,
    ...(account.email !== undefined ? { virtualAccountEmail: account.email } : {}),
    ...(account.phone !== undefined ? { virtualAccountPhone: account.phone } : {}),
    trxId: account.trxId,
  };
}

const STATUS_TEXT: Record<VirtualAccount['status'], string> = {
  OPEN: 'Not paid',
  PAID: 'Success',
  INACTIVE: 'Inactive',
  DELETED: 'Deleted',
};
