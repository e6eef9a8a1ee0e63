import {
  buildJumpAppPaymentBody,
  DEBIT_PAYMENT_PATH,
  JumpAppPaymentInput,
  JumpAppPaymentResponse,
} from '../operations/jump-app-payment';
import type { ChannelLimits } from './channel-spec';
import { deviceHeaders } from './customer-headers';
import { debitWallet, SNAP_AMOUNT_RANGE } from './debit';

const DOKU_CHANNEL = 'EMONEY_DANA_SNAP';
const LIMITS: ChannelLimits = {
  amount: SNAP_AMOUNT_RANGE,
  partnerReferenceNo: 64,
  refundOriginalPartnerReferenceNo: 64,
  partnerRefundNo: 64,
};

/**
 * DANA without binding ("jump app"): the customer is sent to DANA's checkout and DOKU notifies the
 * outcome. Payment and refund carry the customer's device (X-DEVICE-ID, X-IP-ADDRESS); no
 * customer token anywhere.
 */
export const DANA = debitWallet<JumpAppPaymentInput, JumpAppPaymentResponse>({
  channel: 'DANA',
  dokuChannel: DOKU_CHANNEL,
  kind: 'ewallet_redirect',
  limits: LIMITS,
  payment: {
    name: 'dana_payment',
    method: 'POST',
    path: DEBIT_PAYMENT_PATH,
    serviceCode: '54',
    body: (input) => buildJumpAppPaymentBody(DOKU_CHANNEL, input, LIMITS.partnerReferenceNo),
    headers: deviceHeaders,
  },
  refundHeaders: deviceHeaders,
});
