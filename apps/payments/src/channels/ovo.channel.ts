import { BoundPaymentInput, CustomerContext, OVO } from '@app/doku-snap';
import type { ChannelAdapter, ChannelPaymentRequest, PaymentOrder } from './channel-adapter';
import { checkoutAction } from './redirect-wallet.channel';

/** OVO's own fields of a payment request. */
interface OvoOrder extends PaymentOrder {
  bindingId: string;
  returnUrl: string;
  failureUrl?: string;
  customerId?: string;
}

/**
 * OVO: paid from a bound account (`bindingId`, an ACTIVE binding), confirmed by the customer's
 * PIN at OVO's page (`redirectUrl`), which then sends them to `returnUrl` (or `failureUrl`).
 */
export const ovoChannel: ChannelAdapter = {
  spec: OVO,
  fields: { required: ['bindingId', 'returnUrl'], optional: ['failureUrl', 'customerId'] },

  paymentRequest(order: PaymentOrder): ChannelPaymentRequest {
    const dto = order as OvoOrder;
    const dokuInput: BoundPaymentInput = {
      partnerReferenceNo: dto.partnerReferenceNo,
      amount: { value: dto.amount.value, currency: dto.amount.currency },
      successUrl: dto.returnUrl,
      failureUrl: dto.failureUrl,
    };
    const channelInput: Record<string, unknown> = {
      bindingId: dto.bindingId,
      returnUrl: dto.returnUrl,
    };
    if (dto.failureUrl !== undefined) channelInput.failureUrl = dto.failureUrl;
    if (dto.customerId !== undefined) channelInput.customerId = dto.customerId;
    return { channelInput, dokuInput };
  },

  customer(): CustomerContext {
    return {};
  },

  bindingId(channelInput: Record<string, unknown>): string {
    return channelInput.bindingId as string;
  },

  // SALE answers OVO's page where the customer confirms with their PIN, as a checkout.
  customerAction: checkoutAction,
};
