import { Clock, snapTimestamp, systemClock } from './clock';
import { SnapCredentials } from './credentials';
import { DokuSnapError } from './errors';
import { createExternalIdGenerator, ExternalIdGenerator } from './external-id';
import { classifyResponse, classifyTransportError, Outcome } from './http/outcome';
import { redactHeaders } from './http/redact';
import { parseSnapJson } from './http/snap-json';
import { createUndiciTransport, HttpTransport, TransportError } from './http/transport';
import type { CustomerContext, SnapMethod, SnapOperationSpec } from './channels/channel-spec';
import {
  B2B2C_TOKEN_PATH,
  buildCustomerTokenBody,
  CustomerTokenResponse,
} from './operations/customer-token';
import { B2B_TOKEN_PATH, B2bTokenResponse, TOKEN_REQUEST_BODY } from './operations/token';
import { compactJson } from './signing/json';
import {
  bodyHash,
  hmacSign,
  rsaSign,
  symmetricStringToSign,
  tokenStringToSign,
} from './signing/signatures';
import { parseExpiresIn, TokenManager } from './token-manager';

/** `b2b_token`, or the name of a channel's operation (`dana_payment`, `check_status`, `refund` ...). */
export type SnapOperation = string;

/**
 * A transactional request ready to send, and to send again: the body is fixed bytes and the
 * X-EXTERNAL-ID fixed, so a resend after an ambiguous outcome is DOKU's idempotent replay.
 * Persist `body` and `externalId` before the first send. `Response` types the answer.
 */
export interface PreparedRequest<Response = unknown> {
  operation: SnapOperation;
  method: SnapMethod;
  path: string;
  body: string;
  externalId: string;
  /** The customer headers of the operation, e.g. X-DEVICE-ID and X-IP-ADDRESS for DANA. */
  headers: Record<string, string>;
  /** Never set: carries the response type to `send`. */
  readonly response?: Response;
}

/**
 * Prepares `operation` for `input`: the body built and validated (SnapValidationError names the
 * field), fixed as bytes, with the customer headers the operation carries.
 */
export function prepareRequest<Input, Response>(
  operation: SnapOperationSpec<Input, Response>,
  input: Input,
  externalId: string,
  customer: CustomerContext = {},
): PreparedRequest<Response> {
  return restoreRequest(operation, compactJson(operation.body(input)), externalId, customer);
}

/** A request prepared before (its stored bytes and X-EXTERNAL-ID), to send again. */
export function restoreRequest<Response>(
  operation: SnapOperationSpec<unknown, Response> | SnapOperationSpec<never, Response>,
  body: string,
  externalId: string,
  customer: CustomerContext = {},
): PreparedRequest<Response> {
  return {
    operation: operation.name,
    method: operation.method,
    path: operation.path,
    body,
    externalId,
    headers: operation.headers(customer),
  };
}

export interface SnapResult<T> {
  outcome: Outcome;
  /** The X-EXTERNAL-ID the final attempt carried (differs from the prepared one after a token refresh). */
  externalId: string;
  httpStatus?: number;
  responseCode?: string;
  responseMessage?: string;
  /** Parsed body; unknown fields are kept. */
  body?: T;
  /** Why no usable answer came (timeout, network error, unreadable body). */
  error?: string;
  durationMs: number;
}

/** One line's worth of facts about a DOKU call, for logs and metrics. Holds no secret. */
export interface SnapCallEvent {
  operation: SnapOperation;
  path: string;
  externalId?: string;
  timestamp: string;
  requestHeaders: Record<string, string>;
  httpStatus?: number;
  responseCode?: string;
  outcome: Outcome['kind'];
  error?: string;
  durationMs: number;
}

export interface SendOptions {
  /** Draws (and reserves) the X-EXTERNAL-ID for a resend after a token refresh. */
  renewExternalId?: () => Promise<string> | string;
}

export interface DokuSnapClientOptions {
  /** e.g. https://api-sandbox.doku.com (no trailing path). */
  baseUrl: string;
  credentials: SnapCredentials;
  clock?: Clock;
  externalIds?: ExternalIdGenerator;
  transport?: HttpTransport;
  /** Per-call deadline; SNAP's expectation is about 8 s. */
  timeoutMs?: number;
  tokenRefreshAheadMs?: number;
  onCall?: (event: SnapCallEvent) => void;
}

export class TokenRequestError extends DokuSnapError {
  constructor(
    message: string,
    readonly outcome: Outcome,
    readonly responseCode?: string,
  ) {
    super(message);
  }
}

export class DokuSnapClient {
  readonly tokens: TokenManager;
  private readonly baseUrl: string;
  private readonly clock: Clock;
  private readonly externalIds: ExternalIdGenerator;
  private readonly transport: HttpTransport;
  private readonly timeoutMs: number;

  constructor(private readonly options: DokuSnapClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.clock = options.clock ?? systemClock;
    this.externalIds = options.externalIds ?? createExternalIdGenerator(this.clock);
    this.transport = options.transport ?? createUndiciTransport();
    this.timeoutMs = options.timeoutMs ?? 8_000;
    this.tokens = new TokenManager(
      () => this.requestB2bToken(),
      this.clock,
      options.tokenRefreshAheadMs,
    );
  }

  get clientId(): string {
    return this.options.credentials.clientId;
  }

  nextExternalId(): string {
    return this.externalIds.next();
  }

  /** Prepares an operation of a channel (see `prepareRequest`), with a fresh X-EXTERNAL-ID unless given. */
  prepare<Input, Response>(
    operation: SnapOperationSpec<Input, Response>,
    input: Input,
    options: { customer?: CustomerContext; externalId?: string } = {},
  ): PreparedRequest<Response> {
    return prepareRequest(
      operation,
      input,
      options.externalId ?? this.externalIds.next(),
      options.customer,
    );
  }

  /**
   * Signs (fresh timestamp, current token) and sends. On 401xx01/401xx03 the token is dropped,
   * refetched once, and the call repeated once with a new X-EXTERNAL-ID.
   */
  async send<T>(prepared: PreparedRequest<T>, options: SendOptions = {}): Promise<SnapResult<T>> {
    const token = await this.tokens.get();
    const first = await this.sendOnce<T>(prepared, token);
    if (first.outcome.kind !== 'refresh_token') return first;
    this.tokens.invalidate(token);
    const renewed = options.renewExternalId
      ? await options.renewExternalId()
      : this.externalIds.next();
    return this.sendOnce<T>({ ...prepared, externalId: renewed }, await this.tokens.get());
  }

  /**
   * Closes the connections once the calls in flight are answered; with `withinMs`, cuts what is
   * still in flight after that long (its callers see a network error: an outcome left open, which
   * a resend of the same bytes or DOKU's status settles).
   */
  async close(withinMs?: number): Promise<void> {
    if (withinMs === undefined) return this.transport.close();
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<'cut'>(
      (resolve) => (timer = setTimeout(() => resolve('cut'), withinMs)),
    );
    const closed = await Promise.race([this.transport.close().then(() => 'closed' as const), cut]);
    clearTimeout(timer);
    if (closed === 'cut') await this.transport.destroy();
  }

  private async sendOnce<T>(
    prepared: PreparedRequest<T>,
    accessToken: string,
  ): Promise<SnapResult<T>> {
    const timestamp = snapTimestamp(this.clock.now());
    const signature = hmacSign(
      this.options.credentials.clientSecret,
      symmetricStringToSign({
        method: prepared.method,
        path: prepared.path,
        accessToken,
        bodyHash: bodyHash(prepared.body),
        timestamp,
      }),
    );
    const headers = {
      'Content-Type': 'application/json',
      'X-TIMESTAMP': timestamp,
      'X-SIGNATURE': signature,
      'X-PARTNER-ID': this.options.credentials.clientId,
      'X-EXTERNAL-ID': prepared.externalId,
      Authorization: `Bearer ${accessToken}`,
      ...prepared.headers,
    };
    return this.exchange<T>(
      prepared.operation,
      prepared.method,
      prepared.path,
      headers,
      prepared.body,
      prepared.externalId,
    );
  }

  /**
   * Exchanges a binding's authCode for the customer (B2B2C) token, signed as the B2B token request
   * is. The answer carries a secret: callers keep it out of logs (the call event holds no body).
   */
  requestCustomerToken(authCode: string): Promise<SnapResult<CustomerTokenResponse>> {
    return this.exchange<CustomerTokenResponse>(
      'b2b2c_token',
      'POST',
      B2B2C_TOKEN_PATH,
      this.tokenRequestHeaders(),
      buildCustomerTokenBody(authCode),
    );
  }

  /** X-CLIENT-KEY, X-TIMESTAMP and SHA256withRSA over `clientId|X-TIMESTAMP`: both token requests. */
  private tokenRequestHeaders(): Record<string, string> {
    const { clientId, merchantPrivateKey } = this.options.credentials;
    const timestamp = snapTimestamp(this.clock.now());
    return {
      'Content-Type': 'application/json',
      'X-CLIENT-KEY': clientId,
      'X-TIMESTAMP': timestamp,
      'X-SIGNATURE': rsaSign(merchantPrivateKey, tokenStringToSign(clientId, timestamp)),
    };
  }

  private async requestB2bToken(): Promise<{ accessToken: string; expiresInSeconds: number }> {
    const result = await this.exchange<B2bTokenResponse>(
      'b2b_token',
      'POST',
      B2B_TOKEN_PATH,
      this.tokenRequestHeaders(),
      TOKEN_REQUEST_BODY,
    );
    const accessToken = result.body?.accessToken;
    if (
      result.outcome.kind !== 'success' ||
      typeof accessToken !== 'string' ||
      accessToken === ''
    ) {
      const why = result.responseCode
        ? `${result.responseCode} ${result.responseMessage ?? ''}`.trim()
        : (result.error ?? `HTTP ${result.httpStatus}`);
      throw new TokenRequestError(
        `DOKU B2B token request failed: ${why}`,
        result.outcome,
        result.responseCode,
      );
    }
    return { accessToken, expiresInSeconds: parseExpiresIn(result.body?.expiresIn) };
  }

  private async exchange<T>(
    operation: SnapOperation,
    method: SnapMethod,
    path: string,
    headers: Record<string, string>,
    body: string,
    externalId?: string,
  ): Promise<SnapResult<T>> {
    const started = performance.now();
    let result: SnapResult<T>;
    try {
      const res = await this.transport.send({
        url: this.baseUrl + path,
        method,
        headers,
        body,
        timeoutMs: this.timeoutMs,
      });
      let parsed: (T & { responseCode?: unknown; responseMessage?: unknown }) | undefined;
      try {
        parsed = parseSnapJson(res.body) as typeof parsed;
      } catch {
        parsed = undefined;
      }
      const responseCode = responseCodeOf(parsed?.responseCode);
      result = {
        outcome: classifyResponse(res.status, responseCode),
        externalId: externalId ?? '',
        httpStatus: res.status,
        responseCode,
        responseMessage:
          typeof parsed?.responseMessage === 'string' ? parsed.responseMessage : undefined,
        body: parsed && typeof parsed === 'object' ? parsed : undefined,
        error: parsed && typeof parsed === 'object' ? undefined : 'unreadable response body',
        durationMs: performance.now() - started,
      };
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      result = {
        outcome: classifyTransportError(),
        externalId: externalId ?? '',
        error: err.message,
        durationMs: performance.now() - started,
      };
    }
    this.options.onCall?.({
      operation,
      path,
      externalId,
      timestamp: headers['X-TIMESTAMP'],
      requestHeaders: redactHeaders(headers),
      httpStatus: result.httpStatus,
      responseCode: result.responseCode,
      outcome: result.outcome.kind,
      error: result.error,
      durationMs: result.durationMs,
    });
    return result;
  }
}

/**
 * SNAP codes are 7 digits (DOKU's own pages show 8). A longer string is no code of SNAP's (a
 * gateway's error body, say): left out, so that the answer is classed by its HTTP status and a
 * caller storing codes never meets an unbounded one.
 */
function responseCodeOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 16 ? value : undefined;
}
