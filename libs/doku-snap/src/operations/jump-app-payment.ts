import { SnapValidationError } from '../errors';
import {
  optionalString,
  optionalTimestamp,
  requireAbsoluteUrl,
  requireAmount,
  requireString,
  SnapAmount,
} from './fields';

export const DEBIT_PAYMENT_PATH = '/direct-debit/core/v1/debit/payment-host-to-host';

/** The "jump app" payment of redirect e-wallets (DANA, ShopeePay): no binding, a checkout URL back. */
export interface JumpAppPaymentInput {
  partnerReferenceNo: string;
  amount: SnapAmount;
  /** Where the wallet sends the customer back. */
  returnUrl: string;
  /** Jump into the wallet app (deep link) rather than the web checkout: `supportDeepLinkCheckoutUrl`. */
  deepLink?: boolean;
  /**
   * The return URL is an app deep link rather than a web page: `urlParam[].isDeepLink`. Separate
   * from `deepLink` because DOKU's flags are independent (a web return URL with an app checkout is
   * the common case).
   */
  returnUrlIsDeepLink?: boolean;
  validUpTo?: string;
  pointOfInitiation?: 'app' | 'pc' | 'mweb';
  orderTitle?: string;
}

export interface JumpAppPaymentRequestBody {
  partnerReferenceNo: string;
  amount: SnapAmount;
  urlParam: { url: string; type: 'PAY_RETURN'; isDeepLink: 'Y' | 'N' }[];
  validUpTo?: string;
  pointOfInitiation?: string;
  additionalInfo: { channel: string; orderTitle?: string; supportDeepLinkCheckoutUrl?: boolean };
}

export interface JumpAppPaymentResponse {
  responseCode: string;
  responseMessage: string;
  webRedirectUrl?: string;
  partnerReferenceNo?: string;
  referenceNo?: string;
  additionalInfo?: { webRedirectUrl?: string; [key: string]: unknown };
}

const POINTS_OF_INITIATION = new Set(['app', 'pc', 'mweb']);

/**
 * Builds the body in the field order DOKU documents, validating every field on the way.
 * `dokuChannel` is DOKU's code of the wallet (`additionalInfo.channel`).
 */
export function buildJumpAppPaymentBody(
  dokuChannel: string,
  input: JumpAppPaymentInput,
  partnerReferenceNoMax = 64,
): JumpAppPaymentRequestBody {
  const partnerReferenceNo = requireString(
    'partnerReferenceNo',
    input.partnerReferenceNo,
    1,
    partnerReferenceNoMax,
  );
  const amount = requireAmount('amount', input.amount);
  const urlParam: JumpAppPaymentRequestBody['urlParam'] = [
    {
      url: requireAbsoluteUrl('urlParam.url', input.returnUrl, 255),
      type: 'PAY_RETURN',
      isDeepLink: input.returnUrlIsDeepLink === true ? 'Y' : 'N',
    },
  ];
  const validUpTo = optionalTimestamp('validUpTo', input.validUpTo);
  if (input.pointOfInitiation !== undefined && !POINTS_OF_INITIATION.has(input.pointOfInitiation)) {
    throw new SnapValidationError('pointOfInitiation', 'must be app, pc or mweb');
  }
  const orderTitle = optionalString('additionalInfo.orderTitle', input.orderTitle, 255);
  const additionalInfo: JumpAppPaymentRequestBody['additionalInfo'] = { channel: dokuChannel };
  if (orderTitle) additionalInfo.orderTitle = orderTitle;
  if (input.deepLink !== undefined)
    additionalInfo.supportDeepLinkCheckoutUrl = input.deepLink === true;
  // Added in documented order (validUpTo and pointOfInitiation sit before additionalInfo), never
  // by re-spreading: adding properties to a spread copy costs V8 a new hidden class each time.
  const body = { partnerReferenceNo, amount, urlParam } as JumpAppPaymentRequestBody;
  if (validUpTo) body.validUpTo = validUpTo;
  if (input.pointOfInitiation !== undefined) body.pointOfInitiation = input.pointOfInitiation;
  body.additionalInfo = additionalInfo;
  return body;
}

/** DOKU has put the redirect at the top level and, in some DTOs, under additionalInfo. */
export function redirectUrlOf(response: JumpAppPaymentResponse | undefined): string | undefined {
  return response?.webRedirectUrl ?? response?.additionalInfo?.webRedirectUrl;
}
