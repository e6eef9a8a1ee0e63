import { Injectable } from '@nestjs/common';
import { EventPosition, EventRecord, EventsRepository } from '@app/persistence';
import { ApiError, notFound, validationFailed } from '../common/api-error';
import { isoOrNull } from '../common/iso-time';
import { Page, pageSize } from '../common/list';
import { WebhookEndpoints } from '../webhooks/webhook-endpoints.service';
import { WebhookQueue } from '../webhooks/webhook-queue';
import { EventBodies } from './event-body';
import { EventDetailView, EventView, RedeliveryView } from './event.view';
import { EventsQuery } from './events.query';

const EVENT_ID = /^evt_[0-9a-f]{32}$/;
const CURSOR = /^(\d{1,20})\.(evt_[0-9a-f]{32})$/;

/** Events read in commit-safe order, one event with its deliveries, and redelivery. */
@Injectable()
export class EventsService {
  constructor(
    private readonly events: EventsRepository,
    private readonly bodies: EventBodies,
    private readonly endpoints: WebhookEndpoints,
    private readonly queue: WebhookQueue,
  ) {}

  async find(query: EventsQuery): Promise<Page<EventView>> {
    const limit = pageSize(query);
    const rows = await this.events.page(positionOf(query.after), limit + 1, query.type);
    const hasMore = rows.length > limit;
    const items = hasMore ? rows.slice(0, limit) : rows;
    const last = items[items.length - 1];
    return {
      items: items.map((e) => this.view(e)),
      // The last event's place even on the last page: a caller keeps it and asks again later.
      nextCursor: last ? cursorOf(last) : (query.after ?? null),
      hasMore,
    };
  }

  async get(id: string): Promise<EventDetailView> {
    const event = await this.load(id);
    const deliveries = await this.events.deliveriesOf(id);
    return {
      ...this.view(event),
      deliveries: deliveries.map((d) => ({
        endpointId: d.endpointId,
        status: d.status,
        attempts: d.attempts,
        nextAttemptAt: d.status === 'pending' ? isoOrNull(d.nextAttemptAt) : null,
        deliveredAt: isoOrNull(d.deliveredAt),
        history: d.history.map((a) => ({
          outcome: a.outcome,
          statusCode: a.statusCode,
          durationMs: a.durationMs,
          excerpt: a.excerpt,
          at: a.at.toISOString(),
        })),
      })),
    };
  }

  async redeliver(id: string, endpointId?: string): Promise<RedeliveryView> {
    const event = await this.load(id);
    let targets: string[];
    if (endpointId !== undefined) {
      if (!this.endpoints.get(endpointId)) throw notFound('endpoint');
      targets = [endpointId];
    } else targets = this.endpoints.takers(event.type);
    if (targets.length === 0)
      throw new ApiError(
        409,
        'NO_WEBHOOK_ENDPOINT',
        'No configured webhook endpoint takes this event type; it is served by GET /v1/events.',
      );
    if (event.body === null) await this.events.keepBody(event.id, this.bodies.render(event));
    const owed = await this.events.redeliver(event.id, targets);
    // Redis away: the sweeper gives them their jobs once it is back.
    await Promise.all(owed.map((d) => this.queue.ensureJob(d).catch(() => undefined)));
    return { eventId: event.id, endpointIds: owed.map((d) => d.endpointId) };
  }

  private async load(id: string): Promise<EventRecord> {
    if (!EVENT_ID.test(id))
      throw validationFailed([{ field: 'id', message: 'id must be an event id (evt_…)' }]);
    const event = await this.events.find(id);
    if (!event) throw notFound('event');
    return event;
  }

  private view(event: EventRecord): EventView {
    return JSON.parse(this.bodies.bodyOf(event)) as EventView;
  }
}

function cursorOf(position: EventPosition): string {
  return Buffer.from(`${position.txid}.${position.id}`).toString('base64url');
}

function positionOf(cursor: string | undefined): EventPosition | undefined {
  if (cursor === undefined) return undefined;
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw validationFailed([
      { field: 'after', message: 'after must be a nextCursor this API gave' },
    ]);
  return { txid: match[1], id: match[2] };
}
