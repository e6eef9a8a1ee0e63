import { Injectable } from '@nestjs/common';
import type { SnapCallEvent } from '@app/doku-snap';
import { DokuCallObserver } from './doku-call.observer';
import { MetricsService } from '../metrics/metrics.service';

const SNAP_CODE_RE = /^\d{7}$/;

/** A SNAP code as a label: seven digits or a fixed word, so odd answers cannot grow the series. */
export function responseCodeLabel(code: string | undefined): string {
  if (code === undefined || code === '') return 'none';
  return SNAP_CODE_RE.test(code) ? code : 'other';
}

/** Feeds the DOKU call histogram and the token request counter from the observer's events. */
@Injectable()
export class DokuCallMetrics {
  constructor(observer: DokuCallObserver, metrics: MetricsService) {
    observer.subscribe((event: SnapCallEvent) => {
      metrics.dokuCalls.observe(
        {
          operation: event.operation,
          response_code: responseCodeLabel(event.responseCode),
          outcome: event.outcome,
        },
        event.durationMs / 1000,
      );
      // The client fetches a token on first use, 60 s before expiry and after a 401xx01/03:
      // each of its b2b_token calls is a refresh.
      if (event.operation === 'b2b_token') metrics.tokenRefreshes.inc({ outcome: event.outcome });
    });
  }
}
