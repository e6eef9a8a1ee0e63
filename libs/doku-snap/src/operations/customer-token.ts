import { requireString } from './fields';

/** The customer (B2B2C) token of a bound account, from the authCode the binding gave. */
export const B2B2C_TOKEN_PATH = '/authorization/v1/access-token/b2b2c';

export interface CustomerTokenResponse {
  responseCode: string;
  responseMessage: string;
  accessToken?: string;
  tokenType?: string;
  /** ISO-8601 with offset. */
  accessTokenExpiryTime?: string;
  refreshToken?: string;
  refreshTokenExpiryTime?: string;
  additionalInfo?: unknown;
}

/**
 * The body DOKU's SDKs and the production client send, for the first token and for every
 * renewal alike: the binding's authCode again (DOKU answers 4017400 once the customer unlinked).
 */
export function buildCustomerTokenBody(authCode: string): string {
  const code = requireString('authCode', authCode, 1, 2048);
  return JSON.stringify({ grantType: 'authorization_code', authCode: code, additionalInfo: {} });
}
