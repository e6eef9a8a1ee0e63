import { randomBytes } from 'node:crypto';
import { jakartaDay, parseSnapTimestamp, snapTimestamp, type SnapAmount } from '@app/doku-snap';
import type { BindingOperations } from './bindings';
import type { VirtualAccountOperations } from './va-operations';
import type { QrisOperations } from './qris-operations';
import { SimulatorError } from './errors';
import type { SimulatorKeys } from './keys';
import { fromMinor, toMinor } from './money';
import type { Recorder } from './recorder';
import { answer, reject, SnapAnswer, SnapReject } from './snap-answer';
import type { Payment, Refund, SimulatorState } from './state';
import type { CompletionStatus, SimOperation, SimulatorSettings } from './types';
import {
  parseJsonObject,
  readJsonObject,
  validateCheckStatus,
  validatePayment,
  validateRefund,
  validateTokenBody,
  walletNamed,
} from './validation';
import {
  CustomerHeaders,
  IncomingSnap,
  verifyTokenRequest,
  verifyTransactional,
  VerifiedCall,
} from './verify';
import { paymentPageUrl, refundHistoryOf, STATUS_DESC } from './views';

export interface OperationDeps {
  state: SimulatorState;
  /** Set once built (QRIS books its refunds through these operations). */
  qris?: QrisOperations;
  virtualAccounts: VirtualAccountOperations;
  recorder: Recorder;
  keys: SimulatorKeys;
  settings: SimulatorSettings;
  bindings: BindingOperations;
  now: () => number;
}

export type OperationAnswer = SnapAnswer & { replay?: boolean };

/** Tokens are pruned when this many are held, not on every request. */
const TOKEN_PRUNE_THRESHOLD = 1_000;

/**
 * The SNAP operations proper. Every method is synchronous from verification to the state write,
 * which is what makes concurrent identical refunds safe without locks.
 */
export class SnapOperations {
  constructor(private readonly deps: OperationDeps) {}

  run(operation: SimOperation, req: IncomingSnap): OperationAnswer {
    try {
      if (operation === 'b2b_token') return this.issueToken(req);
      if (operation === 'b2b2c_token') return this.issueCustomerToken(req);
      const { state, keys, now, recorder } = this.deps;
      const nowMs = now();
      const body = readJsonObject(req.raw);
      const call = verifyTransactional(req, {
        clientId: keys.credentials.clientId,
        clientSecret: keys.credentials.clientSecret,
        tokens: state.tokens,
        nowMs,
        customerHeaders: this.customerHeadersOf(operation, body),
      });
      // Only authenticated calls reach the X-EXTERNAL-ID registry (unique per client and Jakarta day).
      const day = jakartaDay(nowMs);
      const seen = state.externalIds.find(day, call.clientId, call.externalId);
      if (seen) {
        if (seen.path !== req.target || seen.bodyHash !== call.bodyHash) throw reject.conflict();
        recorder.replay();
        return { ...seen.answer, status: 409, replay: true };
      }
      const result = this.execute(operation, req, call);
      // A refusal of the customer token is no answer to keep: the merchant renews the token
      // and sends the same request again.
      if (result.responseCode.startsWith('401')) return result;
      state.externalIds.remember(day, call.clientId, call.externalId, {
        path: req.target,
        bodyHash: call.bodyHash,
        answer: result,
      });
      return result;
    } catch (err) {
      if (err instanceof SnapReject) return err.toAnswer(operation);
      throw err;
    }
  }

  /**
   * The customer headers a call must carry, by the wallet its body names (DOKU's SDK validators):
   * redirect wallets' device on payment and refund, bound wallets' customer token on payment,
   * refund and balance. A body naming no wallet is held to DANA's rule, the strictest of old.
   */
  private customerHeadersOf(
    operation: SimOperation,
    body: ReturnType<typeof readJsonObject>,
  ): CustomerHeaders {
    if (operation === 'balance_inquiry') return 'customer_token';
    if (operation !== 'payment' && operation !== 'refund') return 'none';
    if (walletNamed(body)?.kind === 'ewallet_binding') return 'customer_token';
    return this.deps.settings.requireDeviceId ? 'device' : 'none';
  }

  /** Business rejections are answers too, and are what a replay of this external id gets. */
  private execute(operation: SimOperation, req: IncomingSnap, call: VerifiedCall): SnapAnswer {
    try {
      const body = parseJsonObject(req.raw);
      const { bindings, virtualAccounts } = this.deps;
      switch (operation) {
        case 'create_va':
          return virtualAccounts.create(body);
        case 'update_va':
          return virtualAccounts.update(body);
        case 'delete_va':
          return virtualAccounts.remove(body);
        case 'va_status':
          return virtualAccounts.status(body);
        case 'qris_generate':
          return this.deps.qris!.generate(body, call);
        case 'qris_query':
          return this.deps.qris!.query(body);
        case 'qris_cancel':
          return this.deps.qris!.cancel(body);
        case 'qris_refund':
          return this.deps.qris!.refund(body, call);
        case 'payment':
          return this.payment(body, call);
        case 'check_status':
          return this.checkStatus(body);
        case 'account_binding':
          return bindings.accountBinding(body);
        case 'account_unbinding':
          return bindings.accountUnbinding(body);
        case 'balance_inquiry':
          return bindings.balance(body, call.customerToken);
        default:
          return this.refund(body, call);
      }
    } catch (err) {
      if (err instanceof SnapReject) return err.toAnswer(operation);
      throw err;
    }
  }

  private issueToken(req: IncomingSnap): SnapAnswer {
    const { state, keys, settings, now, recorder } = this.deps;
    const nowMs = now();
    verifyTokenRequest(req, {
      clientId: keys.credentials.clientId,
      merchantPublicKey: keys.merchantPublicKey,
      nowMs,
    });
    validateTokenBody(parseJsonObject(req.raw));
    if (state.tokens.size >= TOKEN_PRUNE_THRESHOLD) state.pruneTokens(nowMs);
    // Opaque on purpose: callers must not depend on DOKU's token being a JWT.
    const accessToken = randomBytes(32).toString('base64url');
    state.tokens.set(accessToken, {
      clientId: keys.credentials.clientId,
      expiresAtMs: nowMs + settings.tokenTtlSeconds * 1000,
    });
    recorder.tokenIssued();
    return answer(
      '2007300',
      'Successful',
      { accessToken, tokenType: 'Bearer', expiresIn: settings.tokenTtlSeconds, additionalInfo: {} },
      { 'X-CLIENT-KEY': keys.credentials.clientId, 'X-TIMESTAMP': snapTimestamp(nowMs) },
    );
  }

  /** The B2B2C token request: verified as the B2B one is, then the binding's grant. */
  private issueCustomerToken(req: IncomingSnap): SnapAnswer {
    const { keys, now } = this.deps;
    verifyTokenRequest(req, {
      clientId: keys.credentials.clientId,
      merchantPublicKey: keys.merchantPublicKey,
      nowMs: now(),
    });
    return this.deps.bindings.customerToken(parseJsonObject(req.raw));
  }

  /**
   * A repeat of a partnerReferenceNo with the same data answers the existing payment (DANA's
   * idempotency rule); with other data it is 4095401 Duplicate partnerReferenceNo. A bound
   * wallet's payment is its binding's: the customer token must stand for one that holds.
   */
  private payment(body: Record<string, unknown>, call: VerifiedCall): SnapAnswer {
    const { state, recorder, now } = this.deps;
    const input = validatePayment(body);
    const binding =
      input.wallet.kind === 'ewallet_binding'
        ? this.deps.bindings.bindingOf(call.customerToken)
        : undefined;
    const fingerprint = JSON.stringify(body);
    let payment = state.payments.get(input.partnerReferenceNo);
    if (payment) {
      if (payment.fingerprint !== fingerprint) throw reject.duplicatePartnerReferenceNo();
      payment.externalIds.add(call.externalId);
    } else {
      const nowMs = now();
      payment = {
        pageId: state.newPageId(),
        channel: input.wallet.dokuChannel,
        ...(binding ? { bindingId: binding.bindingId } : {}),
        partnerReferenceNo: input.partnerReferenceNo,
        referenceNo: state.nextReference(nowMs),
        externalId: call.externalId,
        externalIds: new Set([call.externalId]),
        fingerprint,
        amount: input.amount,
        minor: toMinor(input.amount.value),
        returnUrl: input.returnUrl,
        ...(input.orderTitle !== undefined ? { orderTitle: input.orderTitle } : {}),
        status: '03',
        createdAtMs: nowMs,
        ...(input.validUpTo !== undefined
          ? { validUpToMs: parseSnapTimestamp(input.validUpTo)! }
          : {}),
        refunds: [],
        refundedMinor: 0n,
      };
      state.addPayment(payment);
      recorder.paymentCreated();
    }
    return answer('2005400', 'Successful', {
      webRedirectUrl: paymentPageUrl(this.deps.settings.publicBaseUrl, payment),
      partnerReferenceNo: payment.partnerReferenceNo,
      referenceNo: payment.referenceNo,
    });
  }

  /** The payment named by the request; the optional references must agree with it. */
  private findPayment(ref: string, referenceNo?: string, externalId?: string): Payment {
    const payment = this.deps.state.payments.get(ref);
    if (!payment) throw reject.notFound();
    if (referenceNo !== undefined && referenceNo !== payment.referenceNo) throw reject.notFound();
    if (externalId !== undefined && !payment.externalIds.has(externalId)) throw reject.notFound();
    return payment;
  }

  private checkStatus(body: Record<string, unknown>): SnapAnswer {
    const input = validateCheckStatus(body);
    const payment = this.findPayment(
      input.originalPartnerReferenceNo,
      input.originalReferenceNo,
      input.originalExternalId,
    );
    return answer('2005500', 'Successful', {
      originalPartnerReferenceNo: payment.partnerReferenceNo,
      originalReferenceNo: payment.referenceNo,
      originalExternalId: payment.externalId,
      serviceCode: '55',
      latestTransactionStatus: payment.status,
      transactionStatusDesc: STATUS_DESC[payment.status],
      transAmount: payment.amount,
      ...(payment.paidTime !== undefined ? { paidTime: payment.paidTime } : {}),
      refundHistory: refundHistoryOf(payment),
      additionalInfo: { channel: payment.channel },
    });
  }

  /**
   * Keyed by partnerRefundNo: a repeat with the same payment and amount gets the original answer
   * and refunds nothing; with other data it is 4045818 Inconsistent Request. The refunded total
   * never exceeds the paid amount (4045813 Invalid Amount).
   */
  private refund(body: Record<string, unknown>, call: VerifiedCall): SnapAnswer {
    const input = validateRefund(body);
    return this.bookRefund(input, call, '2005800', () => {
      const payment = this.findPayment(
        input.originalPartnerReferenceNo,
        undefined,
        input.originalExternalId,
      );
      if (input.wallet.dokuChannel !== payment.channel) throw reject.notFound();
      if (payment.bindingId !== undefined) {
        const binding = this.deps.bindings.bindingOf(call.customerToken);
        if (binding.bindingId !== payment.bindingId)
          throw reject.invalidCustomerToken('The token is of another binding');
      }
      return payment;
    });
  }

  /**
   * A refund of the payment `find` names, answered with `successCode`: the rules every channel's
   * refund keeps (QRIS's too).
   */
  bookRefund(
    input: {
      partnerRefundNo: string;
      originalPartnerReferenceNo: string;
      refundAmount: SnapAmount;
      reason?: string;
    },
    call: VerifiedCall,
    successCode: string,
    find: () => Payment,
  ): SnapAnswer {
    const { state, recorder, now } = this.deps;
    const prior = state.refunds.get(input.partnerRefundNo);
    if (prior) {
      const same =
        prior.partnerReferenceNo === input.originalPartnerReferenceNo &&
        prior.refundAmount.value === input.refundAmount.value &&
        prior.refundAmount.currency === input.refundAmount.currency;
      if (!same) throw reject.inconsistent('partnerRefundNo was used for another refund');
      return answer(successCode, 'Successful', prior.fields);
    }
    const payment = find();
    if (payment.status !== '00') {
      throw reject.notPermitted(`Payment is ${STATUS_DESC[payment.status]}, not paid`);
    }
    if (input.refundAmount.currency !== payment.amount.currency) {
      throw reject.invalidAmount('Currency differs from the payment');
    }
    const minor = toMinor(input.refundAmount.value);
    if (minor === 0n) throw reject.invalidAmount('Refund amount must be more than zero');
    if (payment.refundedMinor + minor > payment.minor) {
      throw reject.invalidAmount('Refund exceeds the amount left to refund');
    }
    const nowMs = now();
    const refundNo = state.nextReference(nowMs);
    const refundTime = snapTimestamp(nowMs);
    const refund: Refund = {
      refundNo,
      partnerRefundNo: input.partnerRefundNo,
      partnerReferenceNo: payment.partnerReferenceNo,
      refundAmount: input.refundAmount,
      minor,
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      refundTime,
      externalId: call.externalId,
      fields: {
        refundNo,
        partnerRefundNo: input.partnerRefundNo,
        originalPartnerReferenceNo: payment.partnerReferenceNo,
        originalReferenceNo: payment.referenceNo,
        refundAmount: input.refundAmount,
        refundTime,
      },
    };
    payment.refunds.push(refund);
    payment.refundedMinor += minor;
    if (payment.bindingId !== undefined) {
      const binding = this.deps.state.bindings.get(payment.bindingId);
      if (binding) binding.balanceMinor += minor;
    }
    state.refunds.set(refund.partnerRefundNo, refund);
    recorder.refundExecuted(
      refund.partnerRefundNo,
      payment.partnerReferenceNo,
      fromMinor(payment.refundedMinor),
    );
    return answer(successCode, 'Successful', refund.fields);
  }

  /** The payment page's buttons: a pending payment becomes paid, cancelled or failed. */
  complete(partnerReferenceNo: string, status: CompletionStatus): Payment {
    const payment = this.deps.state.payments.get(partnerReferenceNo);
    if (!payment) throw new SimulatorError(404, `no payment ${partnerReferenceNo}`);
    if (payment.status !== '03') {
      throw new SimulatorError(
        409,
        `payment ${partnerReferenceNo} is already ${STATUS_DESC[payment.status]}`,
      );
    }
    const nowMs = this.deps.now();
    // DOKU takes no payment after its validUpTo: a late customer finds the checkout closed.
    if (status === '00' && payment.validUpToMs !== undefined && nowMs > payment.validUpToMs) {
      throw new SimulatorError(
        409,
        `payment ${partnerReferenceNo} expired at ${snapTimestamp(payment.validUpToMs)}: it can no longer be paid`,
      );
    }
    payment.status = status;
    if (status === '00') payment.paidTime = snapTimestamp(nowMs);
    if (status === '00' && payment.bindingId !== undefined) {
      const binding = this.deps.state.bindings.get(payment.bindingId);
      if (binding) binding.balanceMinor -= payment.minor;
    }
    return payment;
  }
}
