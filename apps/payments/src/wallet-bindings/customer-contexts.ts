import { Injectable } from '@nestjs/common';
import type { CustomerContext } from '@app/doku-snap';
import { Channels } from '../channels/channels';
import { CustomerTokens } from './customer-tokens';

/**
 * The customer headers' input of a payment's DOKU calls: what its channel stored with it, and for
 * a bound wallet the binding's current customer token (not stored with the payment: it changes).
 */
@Injectable()
export class CustomerContexts {
  constructor(
    private readonly channels: Channels,
    private readonly tokens: CustomerTokens,
  ) {}

  /** @throws BindingNotActiveError, CustomerTokenUnavailableError (bound wallets) */
  async of(payment: {
    channel: string;
    channelInput: Record<string, unknown>;
  }): Promise<CustomerContext> {
    const adapter = this.channels.get(payment.channel);
    const customer = adapter.customer(payment.channelInput);
    if (!adapter.bindingId) return customer;
    return {
      ...customer,
      customerToken: await this.tokens.tokenFor(adapter.bindingId(payment.channelInput)),
    };
  }

  /** After DOKU refused a payment's customer token: a renewed one (or why there is none). */
  async renewed(payment: {
    channel: string;
    channelInput: Record<string, unknown>;
  }): Promise<CustomerContext | undefined> {
    const adapter = this.channels.get(payment.channel);
    if (!adapter.bindingId) return undefined;
    return {
      ...adapter.customer(payment.channelInput),
      customerToken: await this.tokens.renewBinding(adapter.bindingId(payment.channelInput)),
    };
  }
}
