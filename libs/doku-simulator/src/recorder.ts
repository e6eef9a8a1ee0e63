import { SIM_OPERATIONS, type LogEntry, type SimOperation, type SimulatorCounters } from './types';

/** Keeps memory flat under benchmark load: only the last entries are kept. */
export const LOG_CAPACITY = 10_000;

/** A fixed-size ring: O(1) append however long the simulator runs. */
class Ring<T> {
  private items: T[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.items.length < this.capacity) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first; the last `limit` only when given. */
  list(limit?: number): T[] {
    const ordered =
      this.items.length < this.capacity
        ? this.items.slice()
        : [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
    return limit !== undefined && limit >= 0
      ? ordered.slice(Math.max(0, ordered.length - limit))
      : ordered;
  }

  clear(): void {
    this.items = [];
    this.next = 0;
  }
}

function emptyCounters(): SimulatorCounters {
  return {
    requests: Object.fromEntries(SIM_OPERATIONS.map((o) => [o, 0])) as Record<SimOperation, number>,
    responses: Object.fromEntries(SIM_OPERATIONS.map((o) => [o, {}])) as Record<
      SimOperation,
      Record<string, number>
    >,
    tokenRequests: 0,
    tokensIssued: 0,
    customerTokensIssued: 0,
    paymentsCreated: 0,
    replays: 0,
    refundsExecuted: {},
    refundsExecutedTotal: 0,
    refundedTotals: {},
    notifications: { attempts: 0, delivered: 0, failed: 0 },
  };
}

/** Counters and the request log: what tests assert on. */
export class Recorder {
  private counters = emptyCounters();
  private readonly entries = new Ring<LogEntry>(LOG_CAPACITY);

  request(operation: SimOperation): void {
    this.counters.requests[operation] += 1;
    if (operation === 'b2b_token') this.counters.tokenRequests += 1;
  }

  response(operation: SimOperation, responseCode: string): void {
    const byCode = this.counters.responses[operation];
    byCode[responseCode] = (byCode[responseCode] ?? 0) + 1;
  }

  tokenIssued(): void {
    this.counters.tokensIssued += 1;
  }

  customerTokenIssued(): void {
    this.counters.customerTokensIssued += 1;
  }

  paymentCreated(): void {
    this.counters.paymentsCreated += 1;
  }

  replay(): void {
    this.counters.replays += 1;
  }

  refundExecuted(partnerRefundNo: string, partnerReferenceNo: string, refundedTotal: string): void {
    const executed = this.counters.refundsExecuted;
    executed[partnerRefundNo] = (executed[partnerRefundNo] ?? 0) + 1;
    this.counters.refundsExecutedTotal += 1;
    this.counters.refundedTotals[partnerReferenceNo] = refundedTotal;
  }

  notification(ok: boolean): void {
    this.counters.notifications.attempts += 1;
    if (ok) this.counters.notifications.delivered += 1;
    else this.counters.notifications.failed += 1;
  }

  log(entry: LogEntry): void {
    this.entries.push(entry);
  }

  snapshot(): SimulatorCounters {
    return structuredClone(this.counters);
  }

  logEntries(limit?: number): LogEntry[] {
    return this.entries.list(limit);
  }

  clear(): void {
    this.counters = emptyCounters();
    this.entries.clear();
  }
}
