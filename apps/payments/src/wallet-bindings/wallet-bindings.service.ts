import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  AccountBindingResponse,
  AnyChannelSpec,
  BalanceInquiryResponse,
  PreparedRequest,
  prepareRequest,
  SnapValidationError,
} from '@app/doku-snap';
import { WalletBindingEntity, WalletBindingsRepository } from '@app/persistence';
import { Channels } from '../channels/channels';
import { ApiError, notFound, validationFailed } from '../common/api-error';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { dokuAnswer, dokuRejection, dokuUnavailable } from '../doku/doku-failure';
import { DokuGateway, GatewayOutcome } from '../doku/doku-gateway';
import { ExternalIdService } from '../doku/external-id.service';
import { BalanceView, BindingView, toBindingView } from './binding.view';
import {
  AUTH_CODE_CONTEXT,
  BindingNotActiveError,
  CustomerTokens,
  CustomerTokenUnavailableError,
  customerTokenRefused,
} from './customer-tokens';
import { DataCipher } from './data-cipher';
import { PaymentBindings } from './payment-bindings';
import { CreateBindingDto } from './dto/create-binding.dto';

/** Where DOKU sends the customer back after binding: the binding, its nonce, and the outcome. */
export const BINDING_RETURN_PATH = '/wallet-bindings/:id/return/:nonce/:result';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Wallet bindings (contract §5): started here, confirmed by the customer at the wallet, completed
 * when DOKU sends the customer back to the service's return URL with the authCode, which is
 * exchanged for the first customer token. Unbinding asks DOKU first; DOKU saying the customer
 * unlinked marks the binding UNBOUND wherever it is met (CustomerTokens).
 */
@Injectable()
export class WalletBindingsService {
  private readonly logger = new Logger('WalletBindings');

  constructor(
    private readonly bindings: WalletBindingsRepository,
    private readonly channels: Channels,
    private readonly gateway: DokuGateway,
    private readonly externalIds: ExternalIdService,
    private readonly tokens: CustomerTokens,
    private readonly cipher: DataCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async start(dto: CreateBindingDto): Promise<BindingView> {
    const spec = this.bindingChannel(dto.channel);
    const id = randomUUID();
    const nonce = randomBytes(24).toString('base64url');
    const returnUrl = (result: string) =>
      `${this.config.channels.publicBaseUrl}${BINDING_RETURN_PATH.replace(':id', id)
        .replace(':nonce', nonce)
        .replace(':result', result)}`;
    let prepared: PreparedRequest<AccountBindingResponse>;
    try {
      prepared = prepareRequest(
        spec.binding!.accountBinding,
        {
          phoneNo: dto.phoneNumber,
          customerId: dto.customerId,
          successUrl: returnUrl('success'),
          failureUrl: returnUrl('failure'),
        },
        await this.externalIds.reserve('binding', id),
      );
    } catch (err) {
      if (err instanceof SnapValidationError)
        throw validationFailed([{ field: err.field, message: err.reason }]);
      throw err;
    }
    await this.bindings.create({
      id,
      channel: spec.channel,
      customerId: dto.customerId,
      phoneNumber: dto.phoneNumber,
      successUrl: dto.successUrl,
      failureUrl: dto.failureUrl,
      returnNonceHash: sha256(nonce),
    });
    const outcome = await this.gateway.call(prepared, { purpose: 'binding', subjectId: id });
    if (outcome.kind === 'done') {
      const body = outcome.result.body as AccountBindingResponse | undefined;
      const authCode = body?.additionalInfo?.authCode;
      const updated = await this.bindings.recordDokuAnswer(id, {
        redirectUrl: body?.redirectUrl ?? null,
        referenceNo: body?.referenceNo ?? null,
        authCode: authCode ? this.cipher.encrypt(authCode, AUTH_CODE_CONTEXT) : null,
      });
      return toBindingView(updated);
    }
    if (outcome.kind === 'refused') {
      const { result } = outcome;
      await this.bindings.fail(
        id,
        result.responseCode ?? `HTTP${result.httpStatus}`,
        result.responseMessage ?? null,
      );
      throw dokuRejection(result, { bindingId: id });
    }
    // Nothing to resume a binding from: the caller starts another (this one stays PENDING and
    // goes nowhere; a customer who still confirms it is sent to the failure URL).
    await this.bindings.fail(id, 'DOKU_UNAVAILABLE', outcome.reason);
    throw dokuUnavailable({ bindingId: id }, outcome.reason);
  }

  async get(id: string): Promise<BindingView> {
    return toBindingView(await this.find(id));
  }

  /**
   * The customer is back from the wallet. The nonce proves the URL is the one DOKU was given; the
   * authCode (DOKU's, never trusted alone) becomes ACTIVE only once DOKU exchanges it for a token.
   * Answers where to send the customer: the caller's success or failure URL.
   */
  async complete(
    id: string,
    nonce: string,
    result: string,
    authCode: string | undefined,
  ): Promise<string> {
    const binding = await this.bindings.findById(id);
    const expected = binding ? Buffer.from(binding.returnNonceHash, 'hex') : Buffer.alloc(32);
    const given = createHash('sha256').update(nonce).digest();
    if (!binding || !timingSafeEqual(expected, given)) throw notFound('binding');
    if (binding.status !== 'PENDING')
      return binding.status === 'ACTIVE' ? binding.successUrl : binding.failureUrl;
    const code =
      authCode ??
      (binding.authCode ? this.cipher.decrypt(binding.authCode, AUTH_CODE_CONTEXT) : undefined);
    if (result !== 'success' || !code) {
      await this.bindings.fail(id, 'REFUSED', 'The customer did not confirm the binding');
      return binding.failureUrl;
    }
    const exchange = await this.tokens.exchange(binding.channel, code);
    if (exchange.kind !== 'issued') {
      const why =
        exchange.kind === 'unlinked' ? dokuAnswer(exchange.result) : exchange.reason.slice(0, 500);
      this.logger.warn({ bindingId: id, reason: why }, 'binding not completed: no customer token');
      await this.bindings.fail(id, exchange.result?.responseCode ?? 'NO_TOKEN', why);
      return binding.failureUrl;
    }
    const { binding: after } = await this.bindings.activate(
      id,
      this.cipher.encrypt(code, AUTH_CODE_CONTEXT),
      exchange.stored,
    );
    return after.status === 'ACTIVE' ? binding.successUrl : binding.failureUrl;
  }

  async balance(id: string): Promise<BalanceView> {
    const binding = await this.activeBinding(id);
    const spec = this.channels.get(binding.channel).spec;
    const outcome = await this.withToken(binding, async (customerToken) =>
      this.gateway.call(
        prepareRequest(
          spec.binding!.balance,
          undefined,
          await this.externalIds.reserve('binding', id),
          { customerToken },
        ),
        { purpose: 'binding', subjectId: id },
      ),
    );
    if (outcome.kind !== 'done' || outcome.inProgress) throw this.failure(outcome, id);
    const infos = (outcome.result.body as BalanceInquiryResponse | undefined)?.accountInfos ?? [];
    const accounts = infos
      .filter((a) => a.amount?.value !== undefined)
      .map((a) => ({
        balanceType: typeof a.balanceType === 'string' ? a.balanceType : null,
        amount: { value: a.amount!.value, currency: a.amount!.currency },
      }));
    return {
      bindingId: id,
      channel: binding.channel,
      balance: accounts[0]?.amount ?? { value: '0.00', currency: 'IDR' },
      accounts,
    };
  }

  /** Unbinds at DOKU, then UNBOUND; unbinding an UNBOUND binding answers it as it is. */
  async unbind(id: string): Promise<BindingView> {
    const binding = await this.find(id);
    if (binding.status === 'UNBOUND') return toBindingView(binding);
    if (binding.status !== 'ACTIVE') throw notActive(binding);
    const spec = this.channels.get(binding.channel).spec;
    let outcome: GatewayOutcome<unknown>;
    try {
      outcome = await this.withToken(binding, async (tokenId) =>
        this.gateway.call(
          prepareRequest(
            spec.binding!.accountUnbinding,
            { tokenId },
            await this.externalIds.reserve('binding', id),
          ),
          { purpose: 'binding', subjectId: id },
        ),
      );
    } catch (err) {
      // Already unlinked by the customer: DOKU has nothing left to unbind.
      if (err instanceof ApiError && err.code === 'BINDING_NOT_ACTIVE')
        return toBindingView(await this.find(id));
      throw err;
    }
    if (outcome.kind !== 'done' || outcome.inProgress) throw this.failure(outcome, id);
    const { binding: after } = await this.bindings.unbind(id, null);
    return toBindingView(after);
  }

  /**
   * A DOKU call that carries the binding's customer token; once more with a renewed token when
   * DOKU refuses the token itself. 422 BINDING_NOT_ACTIVE when the binding turns out unlinked.
   */
  private async withToken<R>(
    binding: WalletBindingEntity,
    call: (customerToken: string) => Promise<GatewayOutcome<R>>,
  ): Promise<GatewayOutcome<R>> {
    try {
      const outcome = await call(await this.tokens.tokenFor(binding.id));
      if (outcome.kind !== 'refused' || !customerTokenRefused(outcome.result.responseCode))
        return outcome;
      return await call(await this.tokens.renew(binding));
    } catch (err) {
      if (err instanceof BindingNotActiveError) throw notActive(err.binding);
      if (err instanceof CustomerTokenUnavailableError)
        throw dokuUnavailable({ bindingId: binding.id }, err.message);
      throw err;
    }
  }

  private failure(outcome: GatewayOutcome<unknown>, id: string): ApiError {
    if (outcome.kind === 'refused') return dokuRejection(outcome.result, { bindingId: id });
    return dokuUnavailable(
      { bindingId: id },
      outcome.kind === 'done' ? 'DOKU is still processing' : outcome.reason,
    );
  }

  private async find(id: string): Promise<WalletBindingEntity> {
    const binding = await this.bindings.findById(id);
    if (!binding) throw notFound('binding');
    return binding;
  }

  private async activeBinding(id: string): Promise<WalletBindingEntity> {
    const binding = await this.find(id);
    if (binding.status !== 'ACTIVE') throw notActive(binding);
    return binding;
  }

  /** A channel this deployment offers whose payments need a binding. */
  private bindingChannel(channel: string): AnyChannelSpec {
    const { spec } = this.channels.enabledAdapter(channel);
    if (!spec.binding)
      throw new ApiError(
        422,
        'BINDING_NOT_SUPPORTED',
        `Channel ${channel} pays without a binding.`,
        [{ field: 'channel', message: 'takes no binding' }],
      );
    return spec;
  }
}

const notActive = PaymentBindings.notActive;
