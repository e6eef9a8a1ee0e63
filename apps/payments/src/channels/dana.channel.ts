import {
  CustomerContext,
  DANA,
  JumpAppPaymentInput,
  JumpAppPaymentResponse,
  redirectUrlOf,
} from '@app/doku-snap';
import type {
  ChannelAdapter,
  ChannelPaymentRequest,
  CustomerAction,
  PaymentOrder,
} from './channel-adapter';

/** DANA's own fields of a payment request. */
interface DanaOrder extends PaymentOrder {
  returnUrl: string;
  deviceId: string;
  ipAddress?: string;
  orderTitle?: string;
  pointOfInitiation?: 'app' | 'pc' | 'mweb';
  deepLink?: boolean;
}

/** DANA: the customer is sent to DANA's checkout (`redirectUrl`) from their device. */
export const danaChannel: ChannelAdapter = {
  spec: DANA,

  paymentRequest(order: PaymentOrder): ChannelPaymentRequest {
    const dto = order as DanaOrder;
    const dokuInput: JumpAppPaymentInput = {
      partnerReferenceNo: dto.partnerReferenceNo,
      amount: { value: dto.amount.value, currency: dto.amount.currency },
      returnUrl: dto.returnUrl,
      deepLink: dto.deepLink,
      validUpTo: dto.validUpTo,
      pointOfInitiation: dto.pointOfInitiation,
      orderTitle: dto.orderTitle,
    };
    const channelInput: Record<string, unknown> = {
      returnUrl: dto.returnUrl,
      deviceId: dto.deviceId,
    };
    if (dto.ipAddress !== undefined) channelInput.ipAddress = dto.ipAddress;
    if (dto.orderTitle !== undefined) channelInput.orderTitle = dto.orderTitle;
    if (dto.pointOfInitiation !== undefined) channelInput.pointOfInitiation = dto.pointOfInitiation;
    if (dto.deepLink !== undefined) channelInput.deepLink = dto.deepLink;
    return { channelInput, dokuInput };
  },

  customer(channelInput: Record<string, unknown>): CustomerContext {
    return {
      deviceId: channelInput.deviceId as string | undefined,
      ipAddress: channelInput.ipAddress as string | undefined,
    };
  },

  customerAction(answer: unknown): CustomerAction {
    const body = answer as JumpAppPaymentResponse | undefined;
    return { redirectUrl: redirectUrlOf(body) ?? null, referenceNo: body?.referenceNo ?? null };
  },
};
