import { Inject, Injectable, Logger } from '@nestjs/common';
import { AttemptResult, EventsRepository } from '@app/persistence';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import { MetricsService } from '../metrics/metrics.service';
import { nextAttemptDelayMs } from './delivery-schedule';
import { WebhookEndpoints } from './webhook-endpoints.service';
import { DeliverJobData, WebhookQueue } from './webhook-queue';
import { WebhookSender } from './webhook-sender';

/** What a delivery job did. */
export type DeliverOutcome =
  | { done: 'delivered' | 'retry' | 'failed' | 'disabled'; status: number | null }
  | { done: 'skipped'; why: string };

/**
 * One attempt of one delivery, as its job asks: still due (pending, this attempt the current
 * one, its endpoint configured and enabled) → sent → recorded with what came back and what is
 * next (delivered; the next attempt's time; failed when they ran out; held when the endpoint said
 * 410 and was disabled) → the next attempt's job added. A crash between any two steps leaves the
 * delivery pending and due: the sweeper gives it a job again (delivery is at least once).
 */
@Injectable()
export class WebhookDelivery {
  private readonly logger = new Logger('WebhookDelivery');

  constructor(
    private readonly events: EventsRepository,
    private readonly endpoints: WebhookEndpoints,
    private readonly sender: WebhookSender,
    private readonly queue: WebhookQueue,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async attempt({ deliveryId, attempt }: DeliverJobData): Promise<DeliverOutcome> {
    const due = await this.events.due(deliveryId);
    if (!due) return { done: 'skipped', why: 'no such delivery' };
    if (due.status !== 'pending' || due.attempts !== attempt)
      return { done: 'skipped', why: `delivery is ${due.status} at attempt ${due.attempts}` };
    const endpoint = this.endpoints.get(due.endpointId);
    if (!endpoint) return { done: 'skipped', why: 'endpoint no longer configured' };
    if (due.endpointDisabled) return { done: 'skipped', why: 'endpoint disabled' };
    if (due.body === null) return { done: 'skipped', why: 'event not rendered yet' };

    const report = await this.sender.send(endpoint, due.eventId, due.body);
    this.metrics.webhooks.attempts.inc({ endpoint: endpoint.id, outcome: report.outcome });
    const now = new Date();
    const gone = report.statusCode === 410;
    let result: AttemptResult['status'] = 'pending';
    let delayMs: number | undefined;
    if (report.outcome === 'success') result = 'delivered';
    else if (!gone) {
      delayMs = nextAttemptDelayMs(
        {
          attempt: attempt + 1,
          status: report.statusCode ?? undefined,
          timedOut: report.timedOut,
          retryAfter: report.retryAfter,
        },
        now,
        { scale: this.config.webhooks.backoffScale },
      );
      if (delayMs === undefined) result = 'failed';
    }
    const recorded = await this.events.recordAttempt(deliveryId, attempt, {
      outcome: report.outcome,
      statusCode: report.statusCode,
      durationMs: report.durationMs,
      excerpt: report.excerpt,
      status: result,
      // A 410's delivery waits for the endpoint to be enabled: due again at once then.
      nextAttemptAt:
        delayMs === undefined ? (gone ? now : null) : new Date(now.getTime() + delayMs),
    });
    if (!recorded) return { done: 'skipped', why: 'another attempt was recorded meanwhile' };
    const fields = { deliveryId, eventId: due.eventId, endpointId: endpoint.id, attempt };
    if (result === 'delivered') {
      this.metrics.webhooks.deliverySeconds.observe(
        { endpoint: endpoint.id },
        (Date.now() - due.eventCreatedAt.getTime()) / 1000,
      );
      return { done: 'delivered', status: report.statusCode };
    }
    if (gone) {
      await this.endpoints.disable(endpoint.id, 'answered 410 Gone');
      return { done: 'disabled', status: 410 };
    }
    if (result === 'failed') {
      this.metrics.webhooks.exhausted.inc({ endpoint: endpoint.id });
      this.logger.warn(
        { ...fields, outcome: report.outcome, status: report.statusCode },
        'webhook delivery failed: its attempts ran out (POST /v1/events/:id/redeliver sends it again)',
      );
      return { done: 'failed', status: report.statusCode };
    }
    // Redis away now: the sweeper adds it when it is overdue.
    await this.queue
      .add([{ id: deliveryId, endpointId: endpoint.id, attempts: attempt + 1 }], delayMs)
      .catch((err: Error) =>
        this.logger.warn({ ...fields, reason: err.message }, 'next attempt left to the sweeper'),
      );
    return { done: 'retry', status: report.statusCode };
  }
}
