import type { DataSource, EntityManager } from 'typeorm';
import type { AttemptOutcome, DeliveryStatus, EventType } from '../entities';
import { PreparedStatement, runPrepared } from './prepared';

/** Where a reader of events is: after this event (in transaction, then id, order). */
export interface EventPosition {
  txid: string;
  id: string;
}

/** An event as read: what it reports (`snapshot`), and its body once rendered. */
export interface EventRecord extends EventPosition {
  type: EventType;
  resourceId: string;
  snapshot: Record<string, unknown>;
  body: string | null;
  createdAt: Date;
}

export interface AttemptRecord {
  outcome: AttemptOutcome;
  statusCode: number | null;
  durationMs: number;
  excerpt: string | null;
  at: Date;
}

export interface DeliveryRecord {
  id: string;
  endpointId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  history: AttemptRecord[];
}

/** What one attempt of a delivery needs: its event's body, and whether it is still due. */
export interface DeliveryDue {
  id: string;
  endpointId: string;
  status: DeliveryStatus;
  attempts: number;
  eventId: string;
  body: string | null;
  eventCreatedAt: Date;
  /** Its endpoint answered 410 or was disabled by an operator (read with it: every process agrees). */
  endpointDisabled: boolean;
}

/** A delivery owed (its job is `<id>.<attempts>`). */
export interface OwedDelivery {
  id: string;
  endpointId: string;
  attempts: number;
}

/** What an attempt settled: delivered, failed for good, or due again at `nextAttemptAt`. */
export interface AttemptResult {
  outcome: AttemptOutcome;
  statusCode: number | null;
  durationMs: number;
  excerpt: string | null;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
}

export interface PendingStats {
  endpointId: string;
  pending: number;
  oldestSeconds: number;
}

const EVENT_COLUMNS = `e.id, e.txid::text AS txid, e.type, e.resource_id AS "resourceId", e.snapshot,
  e.body, e.created_at AS "createdAt"`;

/**
 * Events below the oldest transaction still open: every event with a smaller transaction id has
 * committed (or never will), so a reader that moves past one never skips one that commits later.
 */
const SETTLED = `e.txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`;

const RECORD_ATTEMPT: PreparedStatement = {
  name: 'webhook-record-attempt',
  text: `
WITH delivery AS (
  UPDATE webhook_deliveries SET status = $3::text, attempts = attempts + 1,
    next_attempt_at = coalesce($4::timestamptz, next_attempt_at),
    delivered_at = CASE WHEN $3::text = 'delivered' THEN now() ELSE delivered_at END
  WHERE id = $1::uuid AND attempts = $2 AND status = 'pending'
  RETURNING id
)
INSERT INTO webhook_attempts (delivery_id, outcome, status_code, duration_ms, excerpt)
SELECT id, $5, $6, $7, $8 FROM delivery
RETURNING delivery_id`,
};

const DELIVERY_DUE: PreparedStatement = {
  name: 'webhook-delivery-due',
  text: `SELECT d.id, d.endpoint_id AS "endpointId", d.status, d.attempts, e.id AS "eventId", e.body,
  e.created_at AS "eventCreatedAt", w.disabled_at IS NOT NULL AS "endpointDisabled"
FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
LEFT JOIN webhook_endpoints w ON w.id = d.endpoint_id
WHERE d.id = $1::uuid`,
};

const ANY_TO_RELAY: PreparedStatement = {
  name: 'event-relay-any',
  text: `SELECT EXISTS (SELECT 1 FROM events e, event_relay r
  WHERE (e.txid, e.id) > (r.txid, r.event_id) AND ${SETTLED}) AS any`,
};

/** Session-wide key of the relay's lock: one relay turns events into deliveries at a time. */
const RELAY_LOCK = 7_245_001;

/** Events, read in commit-safe order, and their deliveries to webhook endpoints. */
export class EventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Up to `limit` events after `after` (from the oldest kept when none), of `type` if given. */
  async page(
    after: EventPosition | undefined,
    limit: number,
    type?: string,
  ): Promise<EventRecord[]> {
    const params: unknown[] = [limit];
    let where = SETTLED;
    if (after) {
      params.push(after.txid, after.id);
      where += ` AND (e.txid, e.id) > ($2::bigint, $3::text)`;
    }
    if (type) {
      params.push(type);
      where += ` AND e.type = $${params.length}`;
    }
    return this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM events e WHERE ${where} ORDER BY e.txid, e.id LIMIT $1`,
      params,
    );
  }

  async find(id: string): Promise<EventRecord | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.id = $1`,
      [id],
    );
    return row;
  }

  /** The events of a payment or refund, oldest first. */
  forResource(resourceId: string): Promise<EventRecord[]> {
    return this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.resource_id = $1 ORDER BY e.txid, e.id`,
      [resourceId],
    );
  }

  /** Keeps an event's rendered body; the first one kept stays (it is what was sent). */
  async keepBody(id: string, body: string, manager?: EntityManager): Promise<string> {
    const [row] = await (manager ?? this.dataSource).query(
      `UPDATE events SET body = coalesce(body, $2) WHERE id = $1 RETURNING body`,
      [id, body],
    );
    return (row as { body: string } | undefined)?.body ?? body;
  }

  /** An event's deliveries, each with its attempts, newest attempt last. */
  async deliveriesOf(eventId: string): Promise<DeliveryRecord[]> {
    const rows: (Omit<DeliveryRecord, 'history'> & { history: AttemptRecord[] | null })[] =
      await this.dataSource.query(
        `SELECT d.id, d.endpoint_id AS "endpointId", d.status, d.attempts,
  d.next_attempt_at AS "nextAttemptAt", d.delivered_at AS "deliveredAt",
  (SELECT json_agg(json_build_object('outcome', a.outcome, 'statusCode', a.status_code,
     'durationMs', a.duration_ms, 'excerpt', a.excerpt, 'at', a.created_at) ORDER BY a.created_at)
   FROM webhook_attempts a WHERE a.delivery_id = d.id) AS history
FROM webhook_deliveries d WHERE d.event_id = $1 ORDER BY d.endpoint_id`,
        [eventId],
      );
    return rows.map((r) => ({
      ...r,
      history: (r.history ?? []).map((a) => ({ ...a, at: new Date(a.at) })),
    }));
  }

  /**
   * One relay round, if no other relay is in one: up to `limit` events past the relay's place,
   * each given its body (`render`) and a pending delivery per endpoint `endpointsFor` names, and
   * the place moved past them, in one transaction. Answers the deliveries made (to be enqueued),
   * or undefined when another relay holds the lock.
   */
  async relay(
    limit: number,
    render: (event: EventRecord) => string,
    endpointsFor: (type: EventType) => readonly string[],
  ): Promise<{ events: EventRecord[]; deliveries: OwedDelivery[] } | undefined> {
    // One statement when there is nothing to do (the relay asks several times a second).
    const [{ any }] = await runPrepared<{ any: boolean }>(this.dataSource, ANY_TO_RELAY, []);
    if (!any) return { events: [], deliveries: [] };
    return this.dataSource.transaction(async (m) => {
      const [{ locked }] = await m.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [
        RELAY_LOCK,
      ]);
      if (!locked) return undefined;
      const [place] = (await m.query(
        `SELECT txid::text AS txid, event_id AS id FROM event_relay`,
      )) as EventPosition[];
      const events: EventRecord[] = await m.query(
        `SELECT ${EVENT_COLUMNS} FROM events e
WHERE ${SETTLED} AND (e.txid, e.id) > ($1::bigint, $2::text) ORDER BY e.txid, e.id LIMIT $3`,
        [place.txid, place.id, limit],
      );
      if (events.length === 0) return { events, deliveries: [] };
      const unrendered = events.filter((e) => e.body === null);
      for (const e of unrendered) e.body = render(e);
      if (unrendered.length > 0)
        await m.query(
          `UPDATE events e SET body = i.body FROM unnest($1::text[], $2::text[]) AS i(id, body)
WHERE e.id = i.id AND e.body IS NULL`,
          [unrendered.map((e) => e.id), unrendered.map((e) => e.body)],
        );
      const pairs = events.flatMap((e) => endpointsFor(e.type).map((endpoint) => [e.id, endpoint]));
      const deliveries: OwedDelivery[] =
        pairs.length === 0
          ? []
          : await m.query(
              `INSERT INTO webhook_deliveries (event_id, endpoint_id, status, next_attempt_at)
SELECT event_id, endpoint_id, 'pending', now() FROM unnest($1::text[], $2::text[]) AS i(event_id, endpoint_id)
ON CONFLICT (event_id, endpoint_id) DO NOTHING
RETURNING id, endpoint_id AS "endpointId", attempts`,
              [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
            );
      const last = events[events.length - 1];
      await m.query(`UPDATE event_relay SET txid = $1::bigint, event_id = $2`, [
        last.txid,
        last.id,
      ]);
      return { events, deliveries };
    });
  }

  /** What an attempt of delivery `id` needs; undefined when there is no such delivery. */
  async due(id: string): Promise<DeliveryDue | undefined> {
    const [row] = await runPrepared<DeliveryDue & Record<string, unknown>>(
      this.dataSource,
      DELIVERY_DUE,
      [id],
    );
    return row;
  }

  /**
   * Records attempt number `attempt` of delivery `id` and what it settled; false when the
   * delivery had moved on meanwhile (another attempt recorded, or no longer pending).
   */
  async recordAttempt(id: string, attempt: number, result: AttemptResult): Promise<boolean> {
    const rows = await runPrepared(this.dataSource, RECORD_ATTEMPT, [
      id,
      attempt,
      result.status,
      result.nextAttemptAt,
      result.outcome,
      result.statusCode,
      result.durationMs,
      result.excerpt,
    ]);
    return rows.length > 0;
  }

  /**
   * Pending deliveries to `endpointIds` due before `dueBefore` (their jobs may be lost), oldest
   * first, `limit` at most after the first `skip`.
   */
  overdue(
    endpointIds: readonly string[],
    dueBefore: Date,
    limit: number,
    skip = 0,
  ): Promise<OwedDelivery[]> {
    return this.dataSource.query(
      `SELECT id, endpoint_id AS "endpointId", attempts FROM webhook_deliveries
WHERE status = 'pending' AND endpoint_id = ANY($1::text[]) AND next_attempt_at < $2
ORDER BY next_attempt_at, id LIMIT $3 OFFSET $4`,
      [endpointIds, dueBefore, limit, skip],
    );
  }

  /**
   * Owes event `eventId` again to each of `endpointIds`: a delivery that ended (delivered or
   * failed) starts a new round now; a pending one is left as it is. Answers each delivery.
   */
  redeliver(eventId: string, endpointIds: readonly string[]): Promise<OwedDelivery[]> {
    return this.dataSource.query(
      `INSERT INTO webhook_deliveries AS d (event_id, endpoint_id, status, next_attempt_at)
SELECT $1, endpoint_id, 'pending', now() FROM unnest($2::text[]) AS i(endpoint_id)
ON CONFLICT (event_id, endpoint_id) DO UPDATE SET status = 'pending',
  attempts = CASE WHEN d.status = 'pending' THEN d.attempts ELSE 0 END,
  next_attempt_at = CASE WHEN d.status = 'pending' THEN d.next_attempt_at ELSE now() END,
  delivered_at = CASE WHEN d.status = 'pending' THEN d.delivered_at ELSE NULL END
RETURNING id, endpoint_id AS "endpointId", attempts`,
      [eventId, endpointIds],
    );
  }

  /** Pending deliveries per endpoint, and how long the oldest has waited since its event. */
  pendingStats(): Promise<PendingStats[]> {
    return this.dataSource.query(
      `SELECT d.endpoint_id AS "endpointId", count(*)::int AS pending,
  coalesce(extract(epoch FROM now() - min(e.created_at)), 0)::float8 AS "oldestSeconds"
FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
WHERE d.status = 'pending' GROUP BY d.endpoint_id`,
    );
  }

  /**
   * Forgets events older than `before` (with their deliveries and attempts), `limit` at a time,
   * except those with a delivery still pending. Answers how many went.
   */
  async forgetOlderThan(before: Date, limit: number): Promise<number> {
    const [{ count }] = await this.dataSource.query(
      `WITH old AS (
  SELECT e.id FROM events e WHERE e.created_at < $1
    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
  ORDER BY e.created_at LIMIT $2
), deliveries AS (
  DELETE FROM webhook_deliveries d USING old WHERE d.event_id = old.id RETURNING d.id
), attempts AS (
  DELETE FROM webhook_attempts a USING deliveries WHERE a.delivery_id = deliveries.id
), gone AS (
  DELETE FROM events e USING old WHERE e.id = old.id RETURNING e.id
)
SELECT count(*)::int AS count FROM gone`,
      [before, limit],
    );
    return count as number;
  }

  /**
   * Records the configured endpoints: a new one is enabled; one whose URL changed is enabled
   * again (a new receiver). Answers the disabled ones, with why.
   */
  async syncEndpoints(
    endpoints: readonly { id: string; url: string }[],
  ): Promise<{ id: string; disabledReason: string }[]> {
    if (endpoints.length === 0) return [];
    return this.dataSource.query(
      `WITH synced AS (
  INSERT INTO webhook_endpoints AS w (id, url) SELECT * FROM unnest($1::text[], $2::text[])
  ON CONFLICT (id) DO UPDATE SET url = excluded.url,
    disabled_at = CASE WHEN w.url = excluded.url THEN w.disabled_at END,
    disabled_reason = CASE WHEN w.url = excluded.url THEN w.disabled_reason END
  RETURNING id, disabled_reason
)
SELECT id, disabled_reason AS "disabledReason" FROM synced WHERE disabled_reason IS NOT NULL`,
      [endpoints.map((e) => e.id), endpoints.map((e) => e.url)],
    );
  }

  async disableEndpoint(id: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_endpoints SET disabled_at = coalesce(disabled_at, now()), disabled_reason = $2 WHERE id = $1`,
      [id, reason],
    );
  }

  async enableEndpoint(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = NULL WHERE id = $1`,
      [id],
    );
  }

  /** The endpoints disabled now, with since when and why. */
  disabledEndpoints(): Promise<{ id: string; disabledAt: Date; disabledReason: string }[]> {
    return this.dataSource.query(
      `SELECT id, disabled_at AS "disabledAt", disabled_reason AS "disabledReason"
FROM webhook_endpoints WHERE disabled_at IS NOT NULL`,
    );
  }
}
