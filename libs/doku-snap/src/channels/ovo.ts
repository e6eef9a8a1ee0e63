import { parseResponseCode } from '../http/response-code';
import {
  ACCOUNT_BINDING_PATH,
  ACCOUNT_UNBINDING_PATH,
  BALANCE_INQUIRY_PATH,
  buildAccountBindingBody,
  buildAccountUnbindingBody,
  buildBalanceInquiryBody,
} from '../operations/account-binding';
import { DEBIT_PAYMENT_PATH } from '../operations/jump-app-payment';
import {
  BoundPaymentInput,
  BoundPaymentResponse,
  buildBoundPaymentBody,
} from '../operations/ovo-payment';
import type { ChannelLimits } from './channel-spec';
import { customerTokenHeaders, noCustomerHeaders } from './customer-headers';
import { debitWallet, SNAP_AMOUNT_RANGE } from './debit';

const DOKU_CHANNEL = 'EMONEY_OVO_SNAP';
/**
 * OVO's refund takes 32 characters of the original reference (DOKU's Node SDK): a payment with a
 * longer one could never be refunded, so payments are held to 32 too.
 */
const LIMITS: ChannelLimits = {
  amount: SNAP_AMOUNT_RANGE,
  partnerReferenceNo: 32,
  refundOriginalPartnerReferenceNo: 32,
  partnerRefundNo: 64,
};

/**
 * OVO: the customer's account is bound first (phone, OTP, PIN at OVO); the binding's customer
 * (B2B2C) token then goes in `Authorization-Customer` on payment, refund and balance. No device
 * headers (the production client sends none).
 */
export const OVO = debitWallet<BoundPaymentInput, BoundPaymentResponse>({
  channel: 'OVO',
  dokuChannel: DOKU_CHANNEL,
  kind: 'ewallet_binding',
  limits: LIMITS,
  payment: {
    name: 'ovo_payment',
    method: 'POST',
    path: DEBIT_PAYMENT_PATH,
    serviceCode: '54',
    body: (input) => buildBoundPaymentBody(DOKU_CHANNEL, input, LIMITS.partnerReferenceNo),
    headers: customerTokenHeaders,
  },
  refundHeaders: customerTokenHeaders,
  binding: {
    accountBinding: {
      name: 'account_binding',
      method: 'POST',
      path: ACCOUNT_BINDING_PATH,
      serviceCode: '07',
      body: (input) => buildAccountBindingBody(DOKU_CHANNEL, input),
      headers: noCustomerHeaders,
    },
    accountUnbinding: {
      name: 'account_unbinding',
      method: 'POST',
      path: ACCOUNT_UNBINDING_PATH,
      serviceCode: '09',
      body: (input) => buildAccountUnbindingBody(DOKU_CHANNEL, input),
      headers: noCustomerHeaders,
    },
    balance: {
      name: 'balance_inquiry',
      method: 'POST',
      path: BALANCE_INQUIRY_PATH,
      serviceCode: '11',
      body: () => buildBalanceInquiryBody(DOKU_CHANNEL),
      headers: customerTokenHeaders,
    },
    // The production client reads 4017400 as "unlinked in the OVO app"; any 401 of the customer
    // token service (74) says the authCode no longer gives a token.
    unlinked: (code) => {
      const parsed = parseResponseCode(code);
      return parsed?.httpStatus === 401 && parsed.service === '74';
    },
  },
});
