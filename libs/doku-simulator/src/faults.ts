import { parseResponseCode, snapCode } from '@app/doku-snap';
import { answer, defaultMessage, SERVICE_OF, SnapAnswer } from './snap-answer';
import {
  SIM_OPERATIONS,
  type Fault,
  type FaultKind,
  type FaultOperation,
  type PendingFault,
  type SimOperation,
} from './types';

const OPERATIONS = new Set<FaultOperation>([...SIM_OPERATIONS, 'notify']);
const KINDS = new Set<FaultKind>([
  'http500',
  'http429',
  'timeout',
  'delay',
  'malformed',
  'snap_code',
]);

export class FaultError extends Error {}

/** Default hold of a `timeout` fault: longer than any sane client deadline. */
export const DEFAULT_TIMEOUT_HOLD_MS = 60_000;

/** Checks a fault as it arrives (from a test or over HTTP) and fills in its defaults. */
export function normalizeFault(fault: Fault): PendingFault {
  if (!fault || typeof fault !== 'object') throw new FaultError('fault must be an object');
  if (!OPERATIONS.has(fault.operation)) {
    throw new FaultError(`operation must be one of ${[...OPERATIONS].join(', ')}`);
  }
  if (!KINDS.has(fault.kind)) throw new FaultError(`kind must be one of ${[...KINDS].join(', ')}`);
  const count = fault.count ?? 1;
  if (!Number.isInteger(count) || count < 1)
    throw new FaultError('count must be a positive integer');
  if (fault.delayMs !== undefined && (!Number.isFinite(fault.delayMs) || fault.delayMs < 0)) {
    throw new FaultError('delayMs must be a non-negative number');
  }
  if (fault.when !== undefined && fault.when !== 'before' && fault.when !== 'after') {
    throw new FaultError('when must be before or after');
  }
  if (fault.kind === 'snap_code' && !parseResponseCode(fault.code)) {
    throw new FaultError('snap_code needs code: a 7-digit SNAP response code such as 5005800');
  }
  if (fault.message !== undefined && typeof fault.message !== 'string') {
    throw new FaultError('message must be a string');
  }
  const when =
    fault.when ?? (fault.kind === 'timeout' || fault.kind === 'delay' ? 'after' : 'before');
  return {
    operation: fault.operation,
    kind: fault.kind,
    when,
    remaining: count,
    ...(fault.delayMs !== undefined ? { delayMs: fault.delayMs } : {}),
    ...(fault.code !== undefined ? { code: fault.code } : {}),
    ...(fault.message !== undefined ? { message: fault.message } : {}),
  };
}

/** Injected faults, consumed in the order they were injected, one per call of their operation. */
export class FaultQueue {
  private queue: PendingFault[] = [];

  add(fault: Fault): void {
    this.queue.push(normalizeFault(fault));
  }

  /** Takes one use of the first fault for `operation`, if any. */
  take(operation: FaultOperation): PendingFault | undefined {
    const index = this.queue.findIndex((f) => f.operation === operation);
    if (index < 0) return undefined;
    const fault = this.queue[index];
    fault.remaining -= 1;
    if (fault.remaining === 0) this.queue.splice(index, 1);
    return { ...fault };
  }

  list(): PendingFault[] {
    return this.queue.map((f) => ({ ...f }));
  }

  clear(): void {
    this.queue = [];
  }
}

/** An answer plus how long to hold it back. */
export interface ScheduledAnswer {
  answer: SnapAnswer;
  holdMs: number;
}

/**
 * What a faulted SNAP call gets back. `real` is the operation's own answer when the fault came
 * `after` it (the payment or refund is then already recorded); undefined for `before`.
 */
export function faultedAnswer(
  fault: PendingFault,
  operation: SimOperation,
  real: SnapAnswer | undefined,
): ScheduledAnswer {
  const service = SERVICE_OF[operation];
  const coded = (status: number, caseCode: string) => {
    const code = snapCode(status, service, caseCode);
    return answer(code, fault.message ?? defaultMessage(status));
  };
  switch (fault.kind) {
    case 'http500':
      return { answer: coded(500, '00'), holdMs: 0 };
    case 'http429':
      return { answer: coded(429, '00'), holdMs: 0 };
    case 'snap_code': {
      const code = fault.code as string;
      return {
        answer: answer(code, fault.message ?? defaultMessage(Number(code.slice(0, 3)))),
        holdMs: 0,
      };
    }
    case 'timeout':
      // Held until the client gives up; if it waits that long, a gateway-style 504 follows.
      return { answer: coded(504, '00'), holdMs: fault.delayMs ?? DEFAULT_TIMEOUT_HOLD_MS };
    case 'delay':
      return { answer: real ?? coded(504, '00'), holdMs: fault.delayMs ?? 0 };
    case 'malformed': {
      // Cut mid-way, as a broken proxy would: a 2xx status whose body is not JSON.
      const text = real?.body ?? `{"responseCode":"200${service}00","responseMessage":"Succ`;
      return {
        answer: {
          status: real?.status ?? 200,
          body: text.slice(0, Math.max(1, Math.floor(text.length / 2))),
          responseCode: 'malformed',
        },
        holdMs: 0,
      };
    }
  }
}
