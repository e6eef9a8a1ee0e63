import { Injectable, Logger } from '@nestjs/common';
import { SnapCallEvent } from '@app/doku-snap';

type Listener = (event: SnapCallEvent) => void;

/** One log line per DOKU call (the event carries no secret), and a fan-out for metrics. */
@Injectable()
export class DokuCallObserver {
  private readonly logger = new Logger('DokuCall');
  private readonly listeners: Listener[] = [];

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  observe(event: SnapCallEvent): void {
    const line = {
      operation: event.operation,
      externalId: event.externalId,
      httpStatus: event.httpStatus,
      responseCode: event.responseCode,
      outcome: event.outcome,
      error: event.error,
      durationMs: Math.round(event.durationMs * 10) / 10,
    };
    if (event.outcome === 'success' || event.outcome === 'in_progress')
      this.logger.log(line, 'doku call');
    else this.logger.warn(line, 'doku call');
    for (const listener of this.listeners) listener(event);
  }
}
