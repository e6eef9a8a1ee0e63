import { Injectable } from '@nestjs/common';
import { WalletBindingEntity, WalletBindingsRepository } from '@app/persistence';
import { ApiError } from '../common/api-error';

/**
 * Whether a payment may be paid from a binding: it must exist, be ACTIVE, be of the payment's
 * channel, and (when the payment names its customer) be that customer's. 422 with a code each.
 */
@Injectable()
export class PaymentBindings {
  constructor(private readonly bindings: WalletBindingsRepository) {}

  async check(
    bindingId: string,
    channel: string,
    order: { customerId?: string },
  ): Promise<WalletBindingEntity> {
    const binding = await this.bindings.findById(bindingId);
    const refuse = (code: string, message: string) =>
      new ApiError(422, code, message, [{ field: 'bindingId', message, bindingId }]);
    if (!binding) throw refuse('BINDING_NOT_FOUND', 'No binding with that id.');
    if (binding.channel !== channel)
      throw refuse(
        'BINDING_CHANNEL_MISMATCH',
        `The binding is of channel ${binding.channel}, not ${channel}.`,
      );
    if (order.customerId !== undefined && order.customerId !== binding.customerId)
      throw refuse('BINDING_CUSTOMER_MISMATCH', 'The binding is of another customer.');
    if (binding.status !== 'ACTIVE') throw PaymentBindings.notActive(binding);
    return binding;
  }

  static notActive(binding: WalletBindingEntity): ApiError {
    return new ApiError(
      422,
      'BINDING_NOT_ACTIVE',
      `The binding is ${binding.status}, not ACTIVE.`,
      [{ field: 'bindingId', message: `is ${binding.status}`, bindingId: binding.id }],
    );
  }
}
