import type { AnyChannelSpec, CreateVaInput, CustomerContext, VaResponse } from '@app/doku-snap';
import { virtualAccountId } from '@app/doku-snap';
import type {
  ChannelAdapter,
  ChannelPaymentRequest,
  CustomerAction,
  IssuedTerms,
  PaymentOrder,
} from './channel-adapter';

/** A virtual account's own fields of a payment request. */
interface VirtualAccountOrder extends PaymentOrder {
  customerName: string;
  customerEmail?: string;
  customerPhone?: string;
  validUpTo?: string;
}

/** How long a virtual account takes payments when the caller sets no validUpTo (issue 22: 24 h). */
export const DEFAULT_VA_VALIDITY_MS = 24 * 3_600_000;

/** What the customer needs to pay into a virtual account (contract section 5). */
export interface VirtualAccountInstructions {
  bank: string;
  /** What the customer types: the BIN and the customer number, digits only. */
  number: string;
  name: string;
  expiresAt: string;
  howToPayUrl: string | null;
}

/**
 * A bank's virtual account: a closed-amount account the service numbers (BIN + a customer number
 * from the database), created at DOKU and paid by bank transfer until `validUpTo`.
 */
export function virtualAccountChannel(spec: AnyChannelSpec): ChannelAdapter {
  return {
    spec,
    fields: {
      required: ['customerName'],
      optional: ['customerEmail', 'customerPhone', 'validUpTo'],
    },
    issues: { account: true, validityMs: DEFAULT_VA_VALIDITY_MS },

    paymentRequest(order: PaymentOrder, issued?: IssuedTerms): ChannelPaymentRequest {
      if (!issued?.account) throw new Error(`${spec.channel}: a payment needs its issued account`);
      const { bin, customerNo } = issued.account;
      const dto = order as VirtualAccountOrder;
      const expiredDate = dto.validUpTo ?? issued.defaultValidUpTo;
      const id = virtualAccountId(bin, customerNo);
      const dokuInput: CreateVaInput = {
        bin,
        customerNo,
        name: dto.customerName,
        email: dto.customerEmail,
        phone: dto.customerPhone,
        trxId: dto.partnerReferenceNo,
        amount: { value: dto.amount.value, currency: dto.amount.currency },
        expiredDate,
      };
      const channelInput: Record<string, unknown> = {
        bin,
        customerNo,
        virtualAccountNo: id.virtualAccountNo,
        customerName: dto.customerName,
        expiresAt: expiredDate,
      };
      if (dto.customerEmail !== undefined) channelInput.customerEmail = dto.customerEmail;
      if (dto.customerPhone !== undefined) channelInput.customerPhone = dto.customerPhone;
      return { channelInput, dokuInput, validUpTo: expiredDate };
    },

    reference: (channelInput) => ({
      account: { bin: channelInput.bin as string, customerNo: channelInput.customerNo as string },
    }),

    customer(): CustomerContext {
      return {};
    },

    customerAction(answer: unknown, channelInput: Record<string, unknown>): CustomerAction {
      const data = (answer as VaResponse | undefined)?.virtualAccountData;
      const virtualAccount: VirtualAccountInstructions = {
        bank: spec.channel.replace(/^VA_/, ''),
        number: String(channelInput.bin) + String(channelInput.customerNo),
        name: String(channelInput.customerName),
        expiresAt: String(channelInput.expiresAt),
        howToPayUrl: data?.additionalInfo?.howToPayPage ?? null,
      };
      return { redirectUrl: null, referenceNo: null, instructions: { virtualAccount } };
    },
  };
}
