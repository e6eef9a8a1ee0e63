export const B2B_TOKEN_PATH = '/authorization/v1/access-token/b2b';

export const TOKEN_REQUEST_BODY = '{"grantType":"client_credentials"}';

export interface B2bTokenResponse {
  responseCode: string;
  responseMessage: string;
  accessToken?: string;
  tokenType?: string;
  /** DOKU sends a number; some deployments send a string. */
  expiresIn?: number | string;
  additionalInfo?: unknown;
}
