import { hostname } from 'node:os';
import type { IncomingMessage } from 'node:http';
import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config';
import { REDACTED_PATHS } from './redaction';

/** Probes and scrapes come every few seconds: logging each would drown the log. */
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * JSON logs (pino) with a request id on every line of a request (see request-id.ts), secrets
 * redacted.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig, destination?: DestinationStream): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          // nestjs-pino's default route, `{/*splat}`, reaches @fastify/middie 9.3.6 as
          // `/{/*splat}`, which matches no request: the logger would never run.
          forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
          pinoHttp: [
            {
              level: config.logLevel,
              redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
              // Bindings of the root logger, not per-request props: pino-http would build (and
              // redact) two more child loggers per request for them.
              base: {
                pid: process.pid,
                hostname: hostname(),
                service: 'doku-payments',
                role: config.role,
              },
              autoLogging: {
                // originalUrl: the middleware layer has cut req.url down to what follows its
                // mount path by the time this runs.
                ignore: (req: IncomingMessage & { originalUrl?: string }) =>
                  QUIET_PATHS.has((req.originalUrl ?? req.url ?? '').split('?')[0]),
              },
              // Method and URL only: headers carry credentials and signatures.
              serializers: {
                req: (req: { id: unknown; method: string; url: string }) => ({
                  id: req.id,
                  method: req.method,
                  url: req.url,
                }),
                res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
              },
            },
            destination ?? process.stdout,
          ],
        }),
      ],
    };
  }
}
