import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { DatabaseWatch } from './dependency-watch';

/**
 * Background work done in rounds every `everyMs()` from start to shutdown (which waits for the
 * round in progress), never two rounds at once. Each round reads PostgreSQL: its outcome tells
 * the database watch (a failure is one line per outage, a success the heartbeat that says it is
 * back).
 */
export abstract class DatabaseRounds implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly database: DatabaseWatch) {}

  protected abstract everyMs(): number;
  protected abstract round(): Promise<unknown>;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.everyMs());
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.round()
      .then(() => this.database.recovered())
      .catch((err: Error) => this.database.failed(err))
      .finally(() => (this.running = undefined));
    await this.running;
  }
}
