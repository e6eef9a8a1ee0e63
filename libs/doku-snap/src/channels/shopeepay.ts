import { SnapValidationError } from '../errors';
import {
  buildJumpAppPaymentBody,
  DEBIT_PAYMENT_PATH,
  JumpAppPaymentInput,
  JumpAppPaymentResponse,
} from '../operations/jump-app-payment';
import type { ChannelLimits } from './channel-spec';
import { deviceHeaders } from './customer-headers';
import { debitWallet, SNAP_AMOUNT_RANGE } from './debit';

const DOKU_CHANNEL = 'EMONEY_SHOPEE_PAY_SNAP';
const LIMITS: ChannelLimits = {
  amount: SNAP_AMOUNT_RANGE,
  partnerReferenceNo: 64,
  refundOriginalPartnerReferenceNo: 64,
  partnerRefundNo: 64,
};

/**
 * ShopeePay: DANA's flow (the "jump app" body, a checkout URL back, the customer's device on
 * payment and refund, no customer token), under its own code. DANA's own fields (orderTitle, the
 * deep-link checkout switch) are DANA's: refused rather than sent to a wallet that does not take them.
 */
export const SHOPEEPAY = debitWallet<JumpAppPaymentInput, JumpAppPaymentResponse>({
  channel: 'SHOPEEPAY',
  dokuChannel: DOKU_CHANNEL,
  kind: 'ewallet_redirect',
  limits: LIMITS,
  payment: {
    name: 'shopeepay_payment',
    method: 'POST',
    path: DEBIT_PAYMENT_PATH,
    serviceCode: '54',
    body: (input) => {
      if (input.orderTitle !== undefined)
        throw new SnapValidationError('orderTitle', 'is taken by DANA only');
      if (input.deepLink !== undefined)
        throw new SnapValidationError('deepLink', 'is taken by DANA only');
      return buildJumpAppPaymentBody(DOKU_CHANNEL, input, LIMITS.partnerReferenceNo);
    },
    headers: deviceHeaders,
  },
  refundHeaders: deviceHeaders,
});
