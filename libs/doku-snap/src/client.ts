import { Clock, snapTimestamp, systemClock } from './clock';
import { SnapCredentials } from './credentials';
import { DokuSnapError } from './errors';
import { createExternalIdGenerator, ExternalIdGenerator } from './external-id';
import { classifyResponse, classifyTransportError, Outcome } from './http/outcome';
import { redactHeaders } from './http/redact';
import { parseSnapJson } from './http/snap-json';
import { createUndiciTransport, HttpTransport, TransportError } from './http/transport';
import {
  buildCheckStatusBody,
  CHECK_STATUS_PATH,
  CheckStatusInput,
  CheckStatusResponse,
} from './operations/check-status';
import {
  buildDanaPaymentBody,
  DANA_PAYMENT_PATH,
  DanaPaymentInput,
  DanaPaymentResponse,
} from './operations/dana-payment';
import { deviceHeaders } from './operations/fields';
import { buildRefundBody, REFUND_PATH, RefundInput, RefundResponse } from './operations/refund';
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

export type SnapOperation = 'b2b_token' | 'dana_payment' | 'check_status' | 'refund';

/**
 * A transactional request ready to send, and to send again: the body is fixed bytes and the
 * X-EXTERNAL-ID fixed, so a resend after an ambiguous outcome is DOKU's idempotent replay.
 * Persist `body` and `externalId` before the first send.
 */
export interface PreparedRequest {
  operation: Exclude<SnapOperation, 'b2b_token'>;
  path: string;
  body: string;
  externalId: string;
  /** Extra headers, e.g. X-DEVICE-ID and X-IP-ADDRESS for DANA payment and refund. */
  headers: Record<string, string>;
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

  prepareDanaPayment(
    input: DanaPaymentInput & { deviceId: string; ipAddress?: string },
    externalId?: string,
  ): PreparedRequest {
    return this.prepare(
      'dana_payment',
      DANA_PAYMENT_PATH,
      buildDanaPaymentBody(input),
      externalId,
      deviceHeaders(input.deviceId, input.ipAddress),
    );
  }

  prepareCheckStatus(input: CheckStatusInput, externalId?: string): PreparedRequest {
    return this.prepare(
      'check_status',
      CHECK_STATUS_PATH,
      buildCheckStatusBody(input),
      externalId,
      {},
    );
  }

  prepareRefund(
    input: RefundInput & { deviceId: string; ipAddress?: string },
    externalId?: string,
  ): PreparedRequest {
    return this.prepare(
      'refund',
      REFUND_PATH,
      buildRefundBody(input),
      externalId,
      deviceHeaders(input.deviceId, input.ipAddress),
    );
  }

  danaPayment(
    prepared: PreparedRequest,
    options?: SendOptions,
  ): Promise<SnapResult<DanaPaymentResponse>> {
    return this.send<DanaPaymentResponse>(prepared, options);
  }

  checkStatus(
    prepared: PreparedRequest,
    options?: SendOptions,
  ): Promise<SnapResult<CheckStatusResponse>> {
    return this.send<CheckStatusResponse>(prepared, options);
  }

  refund(prepared: PreparedRequest, options?: SendOptions): Promise<SnapResult<RefundResponse>> {
    return this.send<RefundResponse>(prepared, options);
  }

  /**
   * Signs (fresh timestamp, current token) and sends. On 401xx01/401xx03 the token is dropped,
   * refetched once, and the call repeated once with a new X-EXTERNAL-ID.
   */
  async send<T>(prepared: PreparedRequest, options: SendOptions = {}): Promise<SnapResult<T>> {
    const token = await this.tokens.get();
    const first = await this.sendOnce<T>(prepared, token);
    if (first.outcome.kind !== 'refresh_token') return first;
    this.tokens.invalidate(token);
    const renewed = options.renewExternalId
      ? await options.renewExternalId()
      : this.externalIds.next();
    return this.sendOnce<T>({ ...prepared, externalId: renewed }, await this.tokens.get());
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private prepare(
    operation: PreparedRequest['operation'],
    path: string,
    body: unknown,
    externalId: string | undefined,
    headers: Record<string, string>,
  ): PreparedRequest {
    return {
      operation,
      path,
      body: compactJson(body),
      externalId: externalId ?? this.externalIds.next(),
      headers,
    };
  }

  private async sendOnce<T>(
    prepared: PreparedRequest,
    accessToken: string,
  ): Promise<SnapResult<T>> {
    const timestamp = snapTimestamp(this.clock.now());
    const signature = hmacSign(
      this.options.credentials.clientSecret,
      symmetricStringToSign({
        method: 'POST',
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
      prepared.path,
      headers,
      prepared.body,
      prepared.externalId,
    );
  }

  private async requestB2bToken(): Promise<{ accessToken: string; expiresInSeconds: number }> {
    const { clientId, merchantPrivateKey } = this.options.credentials;
    const timestamp = snapTimestamp(this.clock.now());
    const headers = {
      'Content-Type': 'application/json',
      'X-CLIENT-KEY': clientId,
      'X-TIMESTAMP': timestamp,
      'X-SIGNATURE': rsaSign(merchantPrivateKey, tokenStringToSign(clientId, timestamp)),
    };
    const result = await this.exchange<B2bTokenResponse>(
      'b2b_token',
      B2B_TOKEN_PATH,
      headers,
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
        method: 'POST',
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
