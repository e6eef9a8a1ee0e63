import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { BindingReturnController } from './binding-return.controller';
import { WalletBindingsController } from './wallet-bindings.controller';
import { WalletBindingsService } from './wallet-bindings.service';

/** The bindings API, and the return URL DOKU sends customers to. */
@Module({
  imports: [IdempotencyModule],
  controllers: [WalletBindingsController, BindingReturnController],
  providers: [WalletBindingsService],
})
export class WalletBindingsApiModule {}
