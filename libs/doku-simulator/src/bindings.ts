import { randomBytes } from 'node:crypto';
import { snapTimestamp } from '@app/doku-snap';
import { SimulatorError } from './errors';
import { fromMinor } from './money';
import type { Recorder } from './recorder';
import { answer, reject, SnapAnswer } from './snap-answer';
import type { Binding, SimulatorState } from './state';
import type { BindingView, SimulatorSettings } from './types';
import {
  validateAccountBinding,
  validateAccountUnbinding,
  validateBalanceInquiry,
  validateCustomerTokenBody,
} from './validation';

export interface BindingDeps {
  state: SimulatorState;
  recorder: Recorder;
  settings: SimulatorSettings;
  now: () => number;
}

/** What a newly bound wallet holds, in minor units: Rp 10,000,000.00. */
const OPENING_BALANCE_MINOR = 1_000_000_000n;

/**
 * Wallet account binding as DOKU runs it for OVO: the merchant asks to bind a phone number, the
 * customer confirms on a page (OTP and PIN) or refuses, and is sent to the merchant's success URL
 * with an authCode; the merchant exchanges the authCode for customer tokens (again for every
 * renewal) until the binding is unbound by the merchant or unlinked by the customer.
 */
export class BindingOperations {
  constructor(private readonly deps: BindingDeps) {}

  /** One OVO account binds to one customer of the merchant (DOKU's rule). */
  accountBinding(body: Record<string, unknown>): SnapAnswer {
    const { state } = this.deps;
    const input = validateAccountBinding(body);
    for (const other of state.bindings.values()) {
      if (
        other.status === 'ACTIVE' &&
        other.phoneNo === input.phoneNo &&
        other.custIdMerchant !== input.custIdMerchant
      )
        throw reject.notPermitted('The account is bound to another customer');
    }
    const binding: Binding = {
      bindingId: state.nextReference(this.deps.now()),
      pageId: state.newPageId(),
      channel: input.wallet.dokuChannel,
      phoneNo: input.phoneNo,
      custIdMerchant: input.custIdMerchant,
      successUrl: input.successUrl,
      failureUrl: input.failureUrl,
      status: 'PENDING',
      balanceMinor: OPENING_BALANCE_MINOR,
      tokensIssued: 0,
    };
    state.addBinding(binding);
    return answer('2000700', 'Successful', {
      referenceNo: binding.bindingId,
      redirectUrl: this.pageUrl(binding),
      additionalInfo: { custIdMerchant: binding.custIdMerchant, accountStatus: 'PENDING' },
    });
  }

  /**
   * The customer-token request (signed like the B2B token request, verified by the caller).
   * 4017400 once the binding no longer holds, as DOKU answers when the customer unlinked.
   */
  customerToken(body: Record<string, unknown>): SnapAnswer {
    const { state, settings, now, recorder } = this.deps;
    const grant = validateCustomerTokenBody(body);
    const binding =
      grant.grant === 'authorization_code'
        ? state.authCodes.get(grant.authCode)
        : state.bindings.get(state.customerTokens.get(grant.refreshToken)?.bindingId ?? '');
    if (!binding || (binding.status !== 'ACTIVE' && binding.status !== 'PENDING'))
      throw reject.unauthorized('The account is not bound');
    if (binding.status === 'PENDING') binding.status = 'ACTIVE';
    const nowMs = now();
    const accessToken = randomBytes(32).toString('base64url');
    const refreshToken = randomBytes(32).toString('base64url');
    const expiresAtMs = nowMs + settings.customerTokenTtlSeconds * 1000;
    state.customerTokens.set(accessToken, { bindingId: binding.bindingId, expiresAtMs });
    state.customerTokens.set(refreshToken, {
      bindingId: binding.bindingId,
      expiresAtMs: nowMs + 30 * 86_400_000,
    });
    binding.tokensIssued += 1;
    recorder.customerTokenIssued();
    return answer('2007400', 'Successful', {
      accessToken,
      tokenType: 'Bearer',
      accessTokenExpiryTime: snapTimestamp(expiresAtMs),
      refreshToken,
      refreshTokenExpiryTime: snapTimestamp(nowMs + 30 * 86_400_000),
      additionalInfo: {},
    });
  }

  /** The binding of a call's customer token: 401xx02 when it no longer holds, 401xx04 when unknown. */
  bindingOf(customerToken: string | undefined): Binding {
    const found = this.deps.state.bindingOfToken(customerToken ?? '', this.deps.now());
    if (found === 'unknown') throw reject.customerTokenNotFound();
    if (found === 'expired') throw reject.invalidCustomerToken('Token expired');
    if (found === 'unbound') throw reject.invalidCustomerToken('The account is not bound');
    return found;
  }

  balance(body: Record<string, unknown>, customerToken: string | undefined): SnapAnswer {
    validateBalanceInquiry(body);
    const binding = this.bindingOf(customerToken);
    const amount = { value: fromMinor(binding.balanceMinor), currency: 'IDR' };
    return answer('2001100', 'Successful', {
      accountInfos: [
        {
          balanceType: 'CASH',
          amount,
          flatAmount: amount,
          holdAmount: { value: '0.00', currency: 'IDR' },
        },
      ],
    });
  }

  /** `tokenId` is a customer token of the binding; every token of it stops working. */
  accountUnbinding(body: Record<string, unknown>): SnapAnswer {
    const { tokenId } = validateAccountUnbinding(body);
    const binding = this.bindingOf(tokenId);
    this.unbind(binding);
    return answer('2000900', 'Successful', { referenceNo: binding.bindingId });
  }

  complete(bindingId: string, confirm: boolean): string {
    const binding = this.deps.state.bindings.get(bindingId);
    if (!binding) throw new SimulatorError(404, `no binding ${bindingId}`);
    if (binding.status !== 'PENDING')
      throw new SimulatorError(409, `binding ${bindingId} is already ${binding.status}`);
    if (!confirm) {
      binding.status = 'REFUSED';
      return binding.failureUrl;
    }
    const authCode = randomBytes(24).toString('base64url');
    binding.authCode = authCode;
    this.deps.state.authCodes.set(authCode, binding);
    const url = new URL(binding.successUrl);
    url.searchParams.set('authCode', authCode);
    return url.toString();
  }

  unlink(bindingId: string): void {
    const binding = this.deps.state.bindings.get(bindingId);
    if (!binding) throw new SimulatorError(404, `no binding ${bindingId}`);
    this.unbind(binding);
  }

  views(): BindingView[] {
    return [...this.deps.state.bindings.values()].map((b) => ({
      bindingId: b.bindingId,
      channel: b.channel,
      phoneNo: b.phoneNo,
      custIdMerchant: b.custIdMerchant,
      status: b.status,
      balance: fromMinor(b.balanceMinor),
      redirectUrl: this.pageUrl(b),
      tokensIssued: b.tokensIssued,
    }));
  }

  pageUrl(binding: Binding): string {
    return `${this.deps.settings.publicBaseUrl}/bind/${binding.pageId}`;
  }

  private unbind(binding: Binding): void {
    binding.status = 'UNBOUND';
    if (binding.authCode) this.deps.state.authCodes.delete(binding.authCode);
    for (const [token, issued] of this.deps.state.customerTokens) {
      if (issued.bindingId === binding.bindingId) this.deps.state.customerTokens.delete(token);
    }
  }
}
