import { DynamicModule, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config';
import { NestPinoLogger } from './nest-logger';
import { createRootLogger } from './root-logger';

/** The root pino logger, for the hooks that log requests (see request-log.ts). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * JSON logs (pino) with a request id on every line of a request, secrets redacted. Nest's logger
 * is `NestPinoLogger` (app.factory.ts); requests are logged by Fastify hooks (HttpEdgeModule).
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig, destination?: DestinationStream): DynamicModule {
    const root = createRootLogger(config, destination);
    return {
      module: LoggingModule,
      global: true,
      providers: [
        { provide: ROOT_LOGGER, useValue: root },
        { provide: NestPinoLogger, useValue: new NestPinoLogger(root) },
      ],
      exports: [ROOT_LOGGER, NestPinoLogger],
    };
  }
}
