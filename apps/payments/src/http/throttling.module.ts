import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';

/**
 * Rate limit per client address and endpoint on every controller (internal API and DOKU's
 * endpoints): THROTTLE_LIMIT requests per THROTTLE_TTL_MS; probes and /metrics opt out. Counters
 * live in the process (each replica limits on its own): a guard against a runaway caller, not a
 * quota. Being a global guard it runs before the API key check, so key guessing is limited too.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ limit: config.throttle.limit, ttl: config.throttle.ttlMs }],
        skipIf: () => config.throttle.limit === 0,
        errorMessage: 'Too many requests: retry after the Retry-After delay.',
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class ThrottlingModule {}
