import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { REDACTED_PATHS } from './redaction';

/** The process' one pino logger: JSON lines, secrets redacted, each line saying who wrote it. */
export function createRootLogger(config: AppConfig, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      base: { pid: process.pid, hostname: hostname(), service: 'doku-payments', role: config.role },
    },
    destination ?? process.stdout,
  );
}
