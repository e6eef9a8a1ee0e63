import type {
  AnyChannelSpec,
  CustomerContext,
  JumpAppPaymentInput,
  JumpAppPaymentResponse,
} from '@app/doku-snap';
import { redirectUrlOf } from '@app/doku-snap';
import type {
  ChannelAdapter,
  ChannelField,
  ChannelPaymentRequest,
  CustomerAction,
  PaymentOrder,
} from './channel-adapter';

/** A redirect wallet's own fields of a payment request. */
interface RedirectOrder extends PaymentOrder {
  returnUrl: string;
  deviceId: string;
  ipAddress?: string;
  orderTitle?: string;
  pointOfInitiation?: 'app' | 'pc' | 'mweb';
  deepLink?: boolean;
  validUpTo?: string;
}

/**
 * A wallet whose customer is sent to its checkout (`redirectUrl`) from their device: DANA,
 * ShopeePay. `optional` names what it takes beyond the return URL and the device.
 */
export function redirectWallet(
  spec: AnyChannelSpec,
  optional: readonly ChannelField[],
): ChannelAdapter {
  return {
    spec,
    fields: { required: ['returnUrl', 'deviceId'], optional },

    paymentRequest(order: PaymentOrder): ChannelPaymentRequest {
      const dto = order as RedirectOrder;
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
      if (dto.pointOfInitiation !== undefined)
        channelInput.pointOfInitiation = dto.pointOfInitiation;
      if (dto.deepLink !== undefined) channelInput.deepLink = dto.deepLink;
      return { channelInput, dokuInput };
    },

    customer(channelInput: Record<string, unknown>): CustomerContext {
      return {
        deviceId: channelInput.deviceId as string | undefined,
        ipAddress: channelInput.ipAddress as string | undefined,
      };
    },

    customerAction: checkoutAction,
  };
}

/** A wallet's answer to a payment: its checkout page (`webRedirectUrl`) and DOKU's reference. */
export function checkoutAction(answer: unknown): CustomerAction {
  const body = answer as JumpAppPaymentResponse | undefined;
  return { redirectUrl: redirectUrlOf(body) ?? null, referenceNo: body?.referenceNo ?? null };
}
