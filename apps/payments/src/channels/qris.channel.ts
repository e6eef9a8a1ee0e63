import type { CustomerContext, QrisGenerateInput, QrisGenerateResponse } from '@app/doku-snap';
import { QRIS } from '@app/doku-snap';
import type {
  ChannelAdapter,
  ChannelPaymentRequest,
  CustomerAction,
  IssuedTerms,
  PaymentOrder,
} from './channel-adapter';

/** How long a QR can be paid when the caller sets no validUpTo: a customer at a till. */
export const DEFAULT_QR_VALIDITY_MS = 30 * 60_000;

/** What the customer scans (contract section 5). */
export interface QrInstructions {
  /** The EMV string (QRIS MPM); GET /v1/payments/:id/qr.png and qr.svg render it. */
  content: string;
  expiresAt: string;
}

/**
 * QRIS: DOKU generates a dynamic QR for the amount on the merchant's terminal (DOKU_QRIS_*); any
 * Indonesian wallet or bank app pays it. Confirmed by querying DOKU (no documented notification).
 */
export const qrisChannel: ChannelAdapter = {
  spec: QRIS,
  fields: { required: [], optional: ['validUpTo'] },
  issues: { terminal: true, validityMs: DEFAULT_QR_VALIDITY_MS },
  confirmsByQuery: true,

  paymentRequest(order: PaymentOrder, issued?: IssuedTerms): ChannelPaymentRequest {
    if (!issued?.terminal) throw new Error('QRIS: a payment needs the terminal');
    const dto = order as PaymentOrder & { validUpTo?: string };
    const validityPeriod = dto.validUpTo ?? issued.defaultValidUpTo;
    const dokuInput: QrisGenerateInput = {
      partnerReferenceNo: dto.partnerReferenceNo,
      amount: { value: dto.amount.value, currency: dto.amount.currency },
      terminal: issued.terminal,
      validityPeriod,
    };
    return {
      channelInput: { ...issued.terminal, expiresAt: validityPeriod },
      dokuInput,
      validUpTo: validityPeriod,
    };
  },

  reference: (channelInput) => ({ merchantId: channelInput.merchantId as string }),

  customer(): CustomerContext {
    return {};
  },

  // Without a qrContent the answer is no QR (a production client requires both): the payment
  // stays open, and a retry of the order asks again.
  customerAction(answer: unknown, channelInput: Record<string, unknown>): CustomerAction {
    const body = answer as QrisGenerateResponse | undefined;
    const qr: QrInstructions | undefined = body?.qrContent
      ? {
          content: body.qrContent,
          expiresAt: body.additionalInfo?.validityPeriod ?? String(channelInput.expiresAt),
        }
      : undefined;
    return {
      redirectUrl: null,
      referenceNo: body?.referenceNo ?? null,
      ...(qr ? { instructions: { qr } } : {}),
    };
  },
};
