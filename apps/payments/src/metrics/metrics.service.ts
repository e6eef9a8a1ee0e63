import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The service's Prometheus metrics, in a registry of its own (tests build several apps in one
 * process). Label values are bounded sets (routes, codes, outcomes): never ids or secrets.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests served, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly dokuCalls = new Histogram({
    name: 'doku_call_duration_seconds',
    help: 'Calls to DOKU, by operation, SNAP response code and outcome',
    labelNames: ['operation', 'response_code', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8],
    registers: [this.registry],
  });

  readonly tokenRefreshes = new Counter({
    name: 'doku_token_requests_total',
    help: 'B2B access token requests made to DOKU, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly notifications = new Counter({
    name: 'doku_notifications_total',
    help: 'Payment notifications received from DOKU, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Alert on any increase: each one is money a person must look at. */
  readonly paymentDiscrepancies = new Counter({
    name: 'payment_discrepancies_total',
    help: 'Facts from DOKU that contradict a payment and were not applied (a final status contradicted, paid with another amount), by source and kind',
    labelNames: ['source', 'kind'] as const,
    registers: [this.registry],
  });

  /** Alert on any increase too: money DOKU took that the books could not take as it came. */
  readonly paymentsMarkedForAttention = new Counter({
    name: 'payments_marked_for_attention_total',
    help: 'Payments marked for a person: DOKU reports paid after the books closed them, or another amount, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly refundsFinal = new Counter({
    name: 'refunds_final_total',
    help: 'Refunds that reached a final status, by status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly jobOutcomes = new Counter({
    name: 'queue_jobs_total',
    help: "Queue jobs processed, by queue, job (a refund apart from the sweeper's runs) and outcome",
    labelNames: ['queue', 'job', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Read from PostgreSQL at each scrape (what is owed, what a person must see). */
  readonly books = {
    pendingPayments: new Gauge({
      name: 'payments_pending',
      help: 'Payments PENDING now',
      registers: [this.registry],
    }),
    openRefunds: new Gauge({
      name: 'refunds_open',
      help: 'Refunds not settled yet, by status',
      labelNames: ['status'] as const,
      registers: [this.registry],
    }),
    oldestOpenRefund: new Gauge({
      name: 'refunds_oldest_open_age_seconds',
      help: 'Age of the oldest refund not settled yet (0: none open)',
      registers: [this.registry],
    }),
    needingAttention: new Gauge({
      name: 'needing_attention',
      help: 'Payments and refunds a person must look at (GET /v1/payments?attention=true), by kind',
      labelNames: ['kind'] as const,
      registers: [this.registry],
    }),
    outboxBacklog: new Gauge({
      name: 'outbox_backlog',
      help: 'Jobs committed in PostgreSQL and not yet in their queue (Redis away, or a relay behind)',
      registers: [this.registry],
    }),
    collectFailures: new Counter({
      name: 'books_collect_failures_total',
      help: 'Scrapes that could not read the gauges kept in PostgreSQL',
      registers: [this.registry],
    }),
  };

  readonly databasePool = new Gauge({
    name: 'database_pool_connections',
    help: 'Connections of the PostgreSQL pool: total, idle, and requests waiting for one',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly reconciledPayments = new Counter({
    name: 'reconciliation_payments_total',
    help: 'Payments looked at by reconciliation runs, by verdict (settled, expired, pending, error)',
    labelNames: ['verdict'] as const,
    registers: [this.registry],
  });

  readonly reconciliationRuns = new Counter({
    name: 'reconciliation_runs_total',
    help: 'Reconciliation runs that claimed at least one payment',
    registers: [this.registry],
  });

  /** What confirming QRIS payments by query costs at DOKU, and how often the sweep had to step in. */
  readonly qrConfirmations = {
    queries: new Counter({
      name: 'qris_confirmation_queries_total',
      help: 'QRIS queries made to confirm open QR payments, by trigger (cadence, notification) and result (settled, open, error)',
      labelNames: ['trigger', 'result'] as const,
      registers: [this.registry],
    }),
    restarts: new Counter({
      name: 'qris_confirmation_restarts_total',
      help: 'Open QR payments whose queries the sweep restarted (their chain was lost: a restart, Redis emptied)',
      registers: [this.registry],
    }),
  };

  readonly queueDepth = new Gauge({
    name: 'queue_jobs',
    help: 'Jobs in each queue, by state',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly queueDepthFailures = new Counter({
    name: 'queue_depth_collect_failures_total',
    help: 'Scrapes that could not read a queue depth (Redis unreachable or slow), by queue',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });

  readonly webhooks = {
    events: new Counter({
      name: 'webhook_events_total',
      help: 'Events the relay turned into deliveries, by type',
      labelNames: ['type'] as const,
      registers: [this.registry],
    }),
    attempts: new Counter({
      name: 'webhook_attempts_total',
      help: 'Delivery attempts by endpoint and outcome (success, http_error, timeout, network, blocked)',
      labelNames: ['endpoint', 'outcome'] as const,
      registers: [this.registry],
    }),
    deliverySeconds: new Histogram({
      name: 'webhook_delivery_seconds',
      help: "From an event's commit to its endpoint's first 2xx",
      labelNames: ['endpoint'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30, 300, 3_600, 86_400],
      registers: [this.registry],
    }),
    exhausted: new Counter({
      name: 'webhook_exhausted_total',
      help: 'Deliveries whose attempts ran out (failed; redeliver them once the endpoint is back)',
      labelNames: ['endpoint'] as const,
      registers: [this.registry],
    }),
    pending: new Gauge({
      name: 'webhook_pending_deliveries',
      help: 'Deliveries not yet delivered nor failed, by endpoint',
      labelNames: ['endpoint'] as const,
      registers: [this.registry],
    }),
    oldestPending: new Gauge({
      name: 'webhook_oldest_pending_age_seconds',
      help: 'Age of the event of the oldest pending delivery, by endpoint (the alert signal)',
      labelNames: ['endpoint'] as const,
      registers: [this.registry],
    }),
    endpointDisabled: new Gauge({
      name: 'webhook_endpoint_disabled',
      help: '1 while an endpoint is disabled (it answered 410, or an operator disabled it)',
      labelNames: ['endpoint'] as const,
      registers: [this.registry],
    }),
  };

  private readonly collectors: (() => Promise<void>)[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Runs `collect` at each scrape, before the text is rendered (gauges read from elsewhere). */
  beforeScrape(collect: () => Promise<void>): void {
    this.collectors.push(collect);
  }

  async scrape(): Promise<string> {
    await Promise.all(this.collectors.map((collect) => collect()));
    return this.registry.metrics();
  }
}
