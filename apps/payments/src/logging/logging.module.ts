import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config';
import { REDACTED_PATHS } from './redaction';

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

/** Probes and scrapes come every few seconds: logging each would drown the log. */
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * JSON logs (pino) with a request id on every line of a request, secrets redacted. The request id
 * is the caller's X-Request-Id when it is sane, a UUID otherwise, and is sent back in
 * X-Request-Id so a caller can quote it.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig, destination?: DestinationStream): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: [
            {
              level: config.logLevel,
              redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
              genReqId: (req: IncomingMessage, res: ServerResponse) => {
                const given = req.headers['x-request-id'];
                const id =
                  typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
                res.setHeader('X-Request-Id', id);
                return id;
              },
              // Bindings of the root logger, not per-request props: pino-http would build (and
              // redact) two more child loggers per request for them.
              base: {
                pid: process.pid,
                hostname: hostname(),
                service: 'doku-payments',
                role: config.role,
              },
              autoLogging: {
                ignore: (req: IncomingMessage) => QUIET_PATHS.has((req.url ?? '').split('?')[0]),
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
