import { Global, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { CustomerContexts } from './customer-contexts';
import { CustomerTokens } from './customer-tokens';
import { DataCipher } from './data-cipher';
import { PaymentBindings } from './payment-bindings';

/**
 * What every role needs of bindings: the customer tokens of bound wallets (payments and refunds
 * carry them) and the cipher that keeps them at rest.
 */
@Global()
@Module({
  providers: [
    {
      provide: DataCipher,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new DataCipher(config.channels.dataKeys),
    },
    CustomerTokens,
    CustomerContexts,
    PaymentBindings,
  ],
  exports: [DataCipher, CustomerTokens, CustomerContexts, PaymentBindings],
})
export class WalletBindingsModule {}
