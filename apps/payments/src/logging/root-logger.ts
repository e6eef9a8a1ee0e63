import { hostname } from 'node:os';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { redactSecrets } from './redaction';

/** The process' one pino logger: JSON lines, secrets redacted, each line saying who wrote it. */
export function createRootLogger(config: AppConfig, destination?: DestinationStream): Logger {
  const root = pino(
    {
      level: config.logLevel,
      formatters: { log: redactSecrets, bindings: redactSecrets },
      base: { pid: process.pid, hostname: hostname(), service: 'doku-payments', role: config.role },
    },
    destination ?? process.stdout,
  );
  // pino applies the bindings formatter to the root's own bindings only; a child's pass here.
  const makeChild = root.child;
  root.child = function (this: Logger, bindings, options) {
    return makeChild.call(this, redactSecrets(bindings), options);
  } as Logger['child'];
  return root;
}
