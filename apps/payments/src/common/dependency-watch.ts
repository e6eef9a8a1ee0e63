import { Logger } from '@nestjs/common';

/** How often a dependency that stays down is mentioned again. */
export const STILL_DOWN_EVERY_MS = 60_000;

/** A connection failure in the words an operator reads at 3 a.m., not a client library's. */
export function plainReason(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; reason?: unknown } | undefined;
  if (typeof e?.reason === 'string') return e.reason;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case '57P01':
    case '57P03':
      return 'the server is shutting down or starting';
    case '28P01':
    case '28000':
      return 'authentication failed';
  }
  if (/NOAUTH|WRONGPASS/.test(message)) return 'authentication failed';
  if (/timeout|timed out/i.test(message)) return 'timed out';
  // pg's and ioredis' words for a connection that went away, or is not there (yet) again.
  if (/Connection terminated|Connection is closed|Stream isn't writeable|ECONNRESET/i.test(message))
    return 'connection lost';
  return message.split('\n')[0].slice(0, 200);
}

/**
 * What the service says about one dependency (Redis, PostgreSQL): a line when it goes down, one
 * a minute at most while it stays down (how long, how many failures), and one when it is back.
 * Every failure of every client of that dependency comes here instead of to the log, so an outage
 * is a handful of lines, not a flood.
 */
export class DependencyWatch {
  private readonly logger: Logger;
  private downSince?: number;
  private failures = 0;
  private lastSaid = 0;
  private lastReason = '';

  constructor(
    readonly name: string,
    private readonly everyMs = STILL_DOWN_EVERY_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.logger = new Logger(name);
  }

  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** Why it is down, while it is. */
  get reason(): string | undefined {
    return this.down ? this.lastReason : undefined;
  }

  failed(err: unknown): void {
    const reason = plainReason(err);
    const now = this.now();
    this.failures++;
    this.lastReason = reason;
    if (this.downSince === undefined) {
      this.downSince = now;
      this.lastSaid = now;
      this.logger.warn({ dependency: this.name, reason }, `${this.name} is down: ${reason}`);
      return;
    }
    if (now - this.lastSaid < this.everyMs) return;
    this.lastSaid = now;
    this.logger.warn(
      {
        dependency: this.name,
        reason,
        downForMs: now - this.downSince,
        failures: this.failures,
      },
      `${this.name} still down after ${Math.round((now - this.downSince) / 1000)} s: ${reason}`,
    );
  }

  recovered(): void {
    if (this.downSince === undefined) return;
    const downForMs = this.now() - this.downSince;
    this.logger.log(
      { dependency: this.name, downForMs, failures: this.failures, lastReason: this.lastReason },
      `${this.name} is back after ${Math.round(downForMs / 1000)} s`,
    );
    this.downSince = undefined;
    this.failures = 0;
  }
}

/** Redis, as every BullMQ client and the readiness probe see it. */
export class RedisWatch extends DependencyWatch {
  constructor() {
    super('Redis');
  }
}

/** PostgreSQL, as the pool and the background loops see it. */
export class DatabaseWatch extends DependencyWatch {
  constructor() {
    super('PostgreSQL');
  }
}
