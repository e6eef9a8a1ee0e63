import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  Clock,
  DokuSnapClient,
  parseResponseCode,
  parseSnapTimestamp,
  SnapResult,
  CustomerTokenResponse,
} from '@app/doku-snap';
import {
  StoredCustomerToken,
  WalletBindingEntity,
  WalletBindingsRepository,
} from '@app/persistence';
import { Channels } from '../channels/channels';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, CLOCK } from '../config/tokens';
import { dokuAnswer } from '../doku/doku-failure';
import { DataCipher } from './data-cipher';

/** Where each secret lives: its ciphertext opens only there. */
export const TOKEN_CONTEXT = 'wallet_bindings.customer_token';
export const AUTH_CODE_CONTEXT = 'wallet_bindings.auth_code';

/** DOKU's lifetime of a customer token when its answer gives none it can read. */
const DEFAULT_LIFETIME_MS = 900_000;

/** The binding cannot pay or be asked about: it is not ACTIVE (any more). */
export class BindingNotActiveError extends Error {
  override name = 'BindingNotActiveError';
  constructor(readonly binding: WalletBindingEntity) {
    super(`binding ${binding.id} is ${binding.status}`);
  }
}

/** No customer token could be had now (DOKU unreachable or refusing for another reason). */
export class CustomerTokenUnavailableError extends Error {
  override name = 'CustomerTokenUnavailableError';
}

/** What an authCode exchange gave. */
export type TokenExchange =
  | { kind: 'issued'; token: string; stored: StoredCustomerToken }
  | { kind: 'unlinked'; result: SnapResult<CustomerTokenResponse> }
  | { kind: 'failed'; reason: string; result?: SnapResult<CustomerTokenResponse> };

/**
 * The customer (B2B2C) tokens of bound wallets: exchanged from the binding's authCode, kept
 * encrypted, renewed before they expire (one renewal per binding at a time in this process), and
 * the binding marked UNBOUND when DOKU says the authCode no longer gives one (the customer
 * unlinked the account in the wallet's app). A token never leaves this class but to go into an
 * `Authorization-Customer` header, which the SNAP client redacts from every log line.
 */
@Injectable()
export class CustomerTokens {
  private readonly logger = new Logger('CustomerTokens');
  private readonly renewing = new Map<string, Promise<string>>();

  constructor(
    private readonly bindings: WalletBindingsRepository,
    private readonly client: DokuSnapClient,
    private readonly cipher: DataCipher,
    private readonly channels: Channels,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Exchanges an authCode for a customer token (nothing stored). */
  async exchange(channel: string, authCode: string): Promise<TokenExchange> {
    let result: SnapResult<CustomerTokenResponse>;
    try {
      result = await this.client.requestCustomerToken(authCode);
    } catch (err) {
      return { kind: 'failed', reason: (err as Error).message };
    }
    const token = result.body?.accessToken;
    if (result.outcome.kind === 'success' && typeof token === 'string' && token !== '') {
      const expiresAt =
        parseSnapTimestamp(result.body?.accessTokenExpiryTime ?? '') ??
        this.clock.now() + DEFAULT_LIFETIME_MS;
      return {
        kind: 'issued',
        token,
        stored: {
          customerToken: this.cipher.encrypt(token, TOKEN_CONTEXT),
          expiresAt: new Date(expiresAt),
        },
      };
    }
    if (this.channels.get(channel).spec.binding?.unlinked(result.responseCode))
      return { kind: 'unlinked', result };
    return { kind: 'failed', reason: result.error ?? dokuAnswer(result), result };
  }

  /**
   * The token of an ACTIVE binding, renewed first when it is about to expire.
   * @throws BindingNotActiveError, CustomerTokenUnavailableError
   */
  async tokenFor(bindingId: string): Promise<string> {
    const binding = await this.bindings.findById(bindingId);
    if (!binding) throw new CustomerTokenUnavailableError(`no binding ${bindingId}`);
    if (binding.status !== 'ACTIVE') throw new BindingNotActiveError(binding);
    const expiresAt = binding.customerTokenExpiresAt?.getTime() ?? 0;
    if (
      binding.customerToken &&
      expiresAt - this.config.customerTokenRefreshAheadMs > this.clock.now()
    )
      return this.cipher.decrypt(binding.customerToken, TOKEN_CONTEXT);
    return this.renew(binding);
  }

  /**
   * A new token from the binding's authCode, stored; the binding UNBOUND (and BindingNotActiveError)
   * when DOKU says it no longer holds. Concurrent renewals of a binding share one exchange.
   */
  renew(binding: WalletBindingEntity): Promise<string> {
    let pending = this.renewing.get(binding.id);
    if (!pending) {
      pending = this.renewNow(binding).finally(() => this.renewing.delete(binding.id));
      this.renewing.set(binding.id, pending);
    }
    return pending;
  }

  /** `renew` by the binding's id. @throws BindingNotActiveError, CustomerTokenUnavailableError */
  async renewBinding(bindingId: string): Promise<string> {
    const binding = await this.bindings.findById(bindingId);
    if (!binding) throw new CustomerTokenUnavailableError(`no binding ${bindingId}`);
    if (binding.status !== 'ACTIVE') throw new BindingNotActiveError(binding);
    return this.renew(binding);
  }

  /** The binding is gone at DOKU: UNBOUND with `code`, its secrets dropped (one event). */
  async unlinked(binding: WalletBindingEntity, code: string | null): Promise<WalletBindingEntity> {
    const { changed, binding: after } = await this.bindings.unbind(binding.id, code);
    if (changed) this.logger.warn({ bindingId: binding.id, code }, 'binding unlinked at DOKU');
    return after;
  }

  private async renewNow(binding: WalletBindingEntity): Promise<string> {
    if (!binding.authCode) throw new BindingNotActiveError(binding);
    const authCode = this.cipher.decrypt(binding.authCode, AUTH_CODE_CONTEXT);
    const exchange = await this.exchange(binding.channel, authCode);
    if (exchange.kind === 'issued') {
      await this.bindings.storeToken(binding.id, exchange.stored);
      return exchange.token;
    }
    if (exchange.kind === 'unlinked') {
      const after = await this.unlinked(binding, exchange.result.responseCode ?? null);
      throw new BindingNotActiveError(after);
    }
    throw new CustomerTokenUnavailableError(`customer token not renewed: ${exchange.reason}`);
  }
}

/** DOKU refused the customer token itself (401xx02 invalid, 401xx04 not found): renew and try again. */
export function customerTokenRefused(responseCode: string | undefined): boolean {
  const code = parseResponseCode(responseCode);
  return code?.httpStatus === 401 && (code.caseCode === '02' || code.caseCode === '04');
}
