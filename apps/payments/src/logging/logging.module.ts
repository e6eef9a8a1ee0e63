import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config';

/** Header and field names whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-signature"]',
  'req.headers["authorization-customer"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.clientSecret',
  '*.privateKey',
  '*.accessToken',
  '*.password',
  '*.apiKey',
];

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

/** JSON logs with a request id on every line; secrets redacted. */
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
              genReqId: (req: IncomingMessage) => {
                const given = req.headers['x-request-id'];
                return typeof given === 'string' && REQUEST_ID_RE.test(given)
                  ? given
                  : randomUUID();
              },
              customProps: () => ({ service: 'doku-payments' }),
              autoLogging: {
                ignore: (req: IncomingMessage) =>
                  req.url === '/health/live' || req.url === '/metrics',
              },
              serializers: {
                req: (req: { id: unknown; method: string; url: string }) => ({
                  id: req.id,
                  method: req.method,
                  url: req.url,
                }),
              },
            },
            destination ?? process.stdout,
          ],
        }),
      ],
    };
  }
}
