import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';
import { requestInScope } from './request-log';
import { workInScope } from './work-context';

/**
 * Nest's logger (`new Logger(context)` everywhere in the service) writing through pino: the
 * context as a field, an object argument merged into the line, and the request's id on the lines
 * written while serving one.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest passes the logger's context last; what comes between is the message's own. */
  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const req = requestInScope();
    const fields: Record<string, unknown> = req ? { req } : {};
    const work = workInScope();
    if (work) for (const key in work) if (work[key] !== undefined) fields[key] = work[key];
    let rest = params;
    if (params.length > 0) {
      fields.context = params[params.length - 1];
      rest = params.slice(0, -1);
    }
    if (message instanceof Error) {
      fields.err = message;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(fields, message);
    } else if (isNestStackContract(level, message, rest)) {
      // Nest's own exception handlers call error(message, stack, context).
      fields.err = Object.assign(new Error(message as string), { stack: rest[0] as string });
      rest = [];
    } else {
      rest = [String(message), ...rest];
    }
    this.root[level](fields, ...(rest as [string?, ...unknown[]]));
  }
}

function isNestStackContract(level: Level, message: unknown, rest: unknown[]): boolean {
  return (
    level === 'error' &&
    typeof message === 'string' &&
    rest.length === 1 &&
    typeof rest[0] === 'string' &&
    /\n\s*at /.test(rest[0])
  );
}
