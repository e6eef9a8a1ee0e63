import { Agent, request } from 'undici';
import {
  asymmetricStringToSign,
  bodyHash,
  createExternalIdGenerator,
  hmacSign,
  rsaSign,
  snapTimestamp,
  symmetricStringToSign,
  tokenStringToSign,
  TOKEN_REQUEST_BODY,
} from '@app/doku-snap';
import type { FaultQueue } from './faults';
import type { SimulatorKeys } from './keys';
import type { Recorder } from './recorder';
import type { Payment, SimulatorState, VirtualAccount } from './state';
import type { DeliveryAttempt, PendingFault, SimulatorSettings } from './types';
import { accountFields } from './va-operations';
import { STATUS_DESC } from './views';

export interface NotifierDeps {
  keys: SimulatorKeys;
  settings: SimulatorSettings;
  recorder: Recorder;
  faults: FaultQueue;
  state: SimulatorState;
  now: () => number;
}

/** One notification: fixed body and X-EXTERNAL-ID, re-signed with a fresh token on every attempt. */
interface Notification {
  id: string;
  partnerReferenceNo: string;
  latestTransactionStatus: string;
  externalId: string;
  body: string;
  firstAttemptAtMs: number;
  /** Which merchant URL it goes to (read at each attempt: a changed setting applies to retries). */
  path: 'merchantNotifyPath' | 'merchantVaNotifyPath' | 'merchantQrisNotifyPath';
  /** Headers of this kind of notification beyond the signed ones (VA: CHANNEL-ID VA004). */
  headers: Record<string, string>;
}

const OUTBOUND_TIMEOUT_MS = 10_000;
const DELIVERY_HISTORY = 1_000;
const BODY_SNIPPET = 2_000;

/**
 * Delivers payment notifications the way DOKU does: a token request to the
 * merchant signed with DOKU's key, then the signed notification with that token; when the
 * merchant does not answer 2xx, retries on the configured schedule, counted from the first attempt.
 */
export class Notifier {
  private readonly agent = new Agent({ connections: 16, keepAliveTimeout: 10_000 });
  private readonly externalIds = createExternalIdGenerator();
  private readonly timers = new Set<NodeJS.Timeout>();
  private history: DeliveryAttempt[] = [];
  private sequence = 0;
  private closed = false;
  /** Bumped by reset: attempts started before it neither record nor schedule anything. */
  private generation = 0;

  constructor(private readonly deps: NotifierDeps) {}

  /**
   * Starts a notification of the payment's current state to `path` (a setting: the debit
   * notification's by default, QRIS's for a QR); resolves with the first attempt.
   */
  notify(
    payment: Payment,
    path: 'merchantNotifyPath' | 'merchantQrisNotifyPath' = 'merchantNotifyPath',
  ): Promise<DeliveryAttempt> {
    const body = JSON.stringify({
      originalPartnerReferenceNo: payment.partnerReferenceNo,
      originalReferenceNo: payment.referenceNo,
      originalExternalId: payment.externalId,
      latestTransactionStatus: payment.status,
      transactionStatusDesc: STATUS_DESC[payment.status],
      amount: payment.amount,
      additionalInfo: this.additionalInfoOf(payment),
    });
    const notification: Notification = {
      id: `ntf-${++this.sequence}`,
      partnerReferenceNo: payment.partnerReferenceNo,
      latestTransactionStatus: payment.status,
      externalId: this.externalIds.next(),
      body,
      firstAttemptAtMs: Date.now(),
      path,
      headers: {},
    };
    return this.attempt(notification, 1);
  }

  /**
   * The VA payment notification (doku-channels.md section 3.6c): the account, the trxId, what was
   * paid, and DOKU's id of the transfer; sent with CHANNEL-ID VA004 as DOKU documents.
   */
  notifyVirtualAccount(account: VirtualAccount): Promise<DeliveryAttempt> {
    const body = JSON.stringify({
      ...accountFields(account),
      paymentRequestId: account.paymentRequestId,
      paidAmount: account.paidAmount,
      trxDateTime: account.paidTime,
      virtualAccountTrxType: 'C',
      additionalInfo: { channel: account.channel, virtualAccountConfig: { reusableStatus: false } },
    });
    return this.attempt(
      {
        id: `ntf-${++this.sequence}`,
        partnerReferenceNo: account.trxId,
        latestTransactionStatus: '00',
        externalId: this.externalIds.next(),
        body,
        firstAttemptAtMs: Date.now(),
        path: 'merchantVaNotifyPath',
        headers: { 'CHANNEL-ID': 'VA004' },
      },
      1,
    );
  }

  /**
   * The e-wallet notification's additionalInfo: a bound wallet's names the customer and the
   * account type (DOKU's OVO sample); a redirect wallet's names the channel (DOKU's Node model).
   */
  private additionalInfoOf(payment: Payment): Record<string, unknown> {
    const binding =
      payment.bindingId !== undefined ? this.deps.state.bindings.get(payment.bindingId) : undefined;
    return binding
      ? { custIdMerchant: binding.custIdMerchant, accountType: 'WALLET' }
      : {
          channelId: payment.channel,
          acquirerId: payment.channel.replace(/^EMONEY_|_SNAP$/g, ''),
          accountType: 'EMONEY',
        };
  }

  deliveries(): DeliveryAttempt[] {
    return this.history.map((d) => ({ ...d }));
  }

  /** Forgets history and cancels pending retries. */
  reset(): void {
    this.generation += 1;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.history = [];
  }

  /** Pending retries are dropped and in-flight sends aborted: closing must not wait on a merchant. */
  async close(): Promise<void> {
    this.closed = true;
    this.reset();
    await this.agent.destroy();
  }

  private async attempt(notification: Notification, attempt: number): Promise<DeliveryAttempt> {
    const generation = this.generation;
    const { settings, recorder, faults, now } = this.deps;
    const startedAt = new Date(now()).toISOString();
    const fault = faults.take('notify');
    const form = settings.notificationForm;
    let result: Omit<DeliveryAttempt, 'notificationId' | 'attempt' | 'startedAt' | 'finishedAt'>;
    try {
      result = await this.send(notification, form, fault);
    } catch (err) {
      result = {
        partnerReferenceNo: notification.partnerReferenceNo,
        latestTransactionStatus: notification.latestTransactionStatus,
        externalId: notification.externalId,
        signatureForm: form,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      };
    }
    const record: DeliveryAttempt = {
      notificationId: notification.id,
      attempt,
      startedAt,
      finishedAt: new Date(now()).toISOString(),
      ...result,
    };
    if (generation !== this.generation) return record;
    recorder.notification(record.ok);
    if (!record.ok) {
      const delay = settings.notificationRetryDelaysMs[attempt - 1];
      if (delay !== undefined && !this.closed) {
        const wait = Math.max(0, notification.firstAttemptAtMs + delay - Date.now());
        record.nextRetryInMs = wait;
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          void this.attempt(notification, attempt + 1);
        }, wait);
        timer.unref();
        this.timers.add(timer);
      }
    }
    this.history.push(record);
    if (this.history.length > DELIVERY_HISTORY) this.history.shift();
    return { ...record };
  }

  /**
   * Notify faults act on the simulator's side: `before` skips the send (DOKU could not reach the
   * merchant), `after` sends but counts the attempt as failed whatever the answer (so the merchant
   * gets a duplicate), `delay` sends late, `malformed` sends a signature that does not verify.
   */
  private async send(
    notification: Notification,
    form: 'HMAC' | 'RSA',
    fault: PendingFault | undefined,
  ) {
    const { settings, keys, now } = this.deps;
    const base = {
      partnerReferenceNo: notification.partnerReferenceNo,
      latestTransactionStatus: notification.latestTransactionStatus,
      externalId: notification.externalId,
      signatureForm: form,
      ...(fault ? { fault: fault.kind } : {}),
    };
    if (fault && fault.when === 'before' && fault.kind !== 'malformed') {
      return { ...base, ok: false, error: `injected fault ${fault.kind}: not sent` };
    }
    if (fault && (fault.kind === 'delay' || fault.kind === 'timeout')) {
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 0));
    }
    if (!settings.merchantBaseUrl) {
      return { ...base, ok: false, error: 'merchantBaseUrl is not configured' };
    }
    const baseUrl = settings.merchantBaseUrl.replace(/\/+$/, '');
    const { clientId, clientSecret } = keys.credentials;

    const tokenTimestamp = snapTimestamp(now());
    const tokenResponse = await this.post(
      baseUrl + settings.merchantTokenPath,
      {
        'Content-Type': 'application/json',
        'X-CLIENT-KEY': clientId,
        'X-TIMESTAMP': tokenTimestamp,
        'X-SIGNATURE': rsaSign(keys.dokuPrivateKey, tokenStringToSign(clientId, tokenTimestamp)),
      },
      TOKEN_REQUEST_BODY,
    );
    const accessToken = tokenOf(tokenResponse.body);
    if (tokenResponse.status < 200 || tokenResponse.status >= 300 || !accessToken) {
      return {
        ...base,
        tokenStatus: tokenResponse.status,
        ok: false,
        error: `merchant token request failed (HTTP ${tokenResponse.status})`,
        responseBody: tokenResponse.body.slice(0, BODY_SNIPPET),
      };
    }

    const url = new URL(baseUrl + (settings[notification.path] ?? settings.merchantNotifyPath));
    // The merchant verifies against the path it serves, query included.
    const path = url.pathname + url.search;
    const timestamp = snapTimestamp(now());
    const parts = { method: 'POST', path, bodyHash: bodyHash(notification.body), timestamp };
    let signature =
      form === 'HMAC'
        ? hmacSign(clientSecret, symmetricStringToSign({ ...parts, accessToken }))
        : rsaSign(keys.dokuPrivateKey, asymmetricStringToSign(parts));
    if (fault?.kind === 'malformed') {
      const other = { ...parts, bodyHash: bodyHash(`${notification.body} `) };
      signature =
        form === 'HMAC'
          ? hmacSign(clientSecret, symmetricStringToSign({ ...other, accessToken }))
          : rsaSign(keys.dokuPrivateKey, asymmetricStringToSign(other));
    }
    const response = await this.post(
      url.toString(),
      {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${accessToken}`,
        'X-TIMESTAMP': timestamp,
        'X-SIGNATURE': signature,
        'X-PARTNER-ID': clientId,
        'X-EXTERNAL-ID': notification.externalId,
        ...notification.headers,
      },
      notification.body,
    );
    const answered2xx = response.status >= 200 && response.status < 300;
    const overridden = fault !== undefined && fault.when === 'after' && fault.kind !== 'delay';
    return {
      ...base,
      tokenStatus: tokenResponse.status,
      status: response.status,
      responseBody: response.body.slice(0, BODY_SNIPPET),
      ok: answered2xx && !overridden,
      ...(answered2xx ? {} : { error: `merchant answered HTTP ${response.status}` }),
      ...(answered2xx && overridden
        ? { error: `injected fault ${fault.kind}: counted as failed` }
        : {}),
    };
  }

  private async post(url: string, headers: Record<string, string>, body: string) {
    const res = await request(url, {
      dispatcher: this.agent,
      method: 'POST',
      headers,
      body,
      headersTimeout: OUTBOUND_TIMEOUT_MS,
      bodyTimeout: OUTBOUND_TIMEOUT_MS,
      signal: AbortSignal.timeout(OUTBOUND_TIMEOUT_MS),
    });
    return { status: res.statusCode, body: await res.body.text() };
  }
}

function tokenOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { accessToken?: unknown };
    return typeof parsed.accessToken === 'string' && parsed.accessToken !== ''
      ? parsed.accessToken
      : undefined;
  } catch {
    return undefined;
  }
}
