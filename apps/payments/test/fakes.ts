/**
 * The one factory of fakes for the service's unit specs: entities as PostgreSQL would return them,
 * DOKU's answers as the gateway tells them, and collaborators whose methods are `vi.fn()` (each
 * spec scripts the answers it needs). The channels and metrics are the real ones.
 */
import { vi } from 'vitest';
import type { Outcome, SnapResult } from '@app/doku-snap';
import type { PaymentEntity, RefundEntity } from '@app/persistence';
import { Channels } from '../src/channels/channels';
import type { GatewayOutcome } from '../src/doku/doku-gateway';
import { MetricsService } from '../src/metrics/metrics.service';

export function fakePayment(over: Partial<PaymentEntity> = {}): PaymentEntity {
  const now = new Date('2026-12-01T00:00:00Z');
  return {
    id: 'p1',
    partnerReferenceNo: 'ORDER-1',
    channel: 'DANA',
    amountValue: '15000.00',
    currency: 'IDR',
    status: 'PENDING',
    validUpTo: null,
    channelInput: { returnUrl: 'https://shop.example/return', deviceId: 'device1' },
    metadata: {},
    externalId: '100000000000000000001',
    requestBody: '{"partnerReferenceNo":"ORDER-1"}',
    redirectUrl: null,
    instructions: null,
    referenceNo: null,
    refundedAmount: '0.00',
    refundCommittedAmount: '0.00',
    failureCode: null,
    failureMessage: null,
    idempotencyKey: null,
    paidAt: null,
    lastStatusCheckAt: null,
    lastStatusCheck: null,
    submittingUntil: null,
    dokuPaidAmount: null,
    attentionReason: null,
    attentionSince: null,
    attentionDetail: null,
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

export function fakeRefund(over: Partial<RefundEntity> = {}): RefundEntity {
  const now = new Date('2026-12-01T00:00:00Z');
  return {
    id: 'r1',
    paymentId: 'p1',
    partnerRefundNo: 'RFD-1',
    amountValue: '5000.00',
    currency: 'IDR',
    reason: null,
    status: 'PROCESSING',
    metadata: {},
    externalId: '200000000000000000001',
    requestBody: '{"partnerRefundNo":"RFD-1"}',
    refundNo: null,
    failureCode: null,
    failureMessage: null,
    attempts: 1,
    processingStartedAt: now,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
    attentionReason: null,
    attentionSince: null,
    ...over,
  };
}

const outcomeOf = (kind: Outcome['kind'], ambiguous = false): Outcome => ({
  kind,
  ambiguous,
  replay: false,
});

export function snapResult<T>(
  httpStatus: number,
  responseCode: string | undefined,
  body?: T,
  kind: Outcome['kind'] = httpStatus < 300 ? 'success' : 'failure',
): SnapResult<T> {
  return {
    outcome: outcomeOf(kind, kind === 'retry_later'),
    externalId: '1',
    httpStatus,
    responseCode,
    responseMessage: (body as { responseMessage?: string } | undefined)?.responseMessage,
    body,
    durationMs: 1,
  };
}

/** DOKU did it, and answered `body`. */
export const done = <T>(body: T, inProgress = false): GatewayOutcome<T> => ({
  kind: 'done',
  inProgress,
  result: snapResult(
    inProgress ? 202 : 200,
    undefined,
    body,
    inProgress ? 'in_progress' : 'success',
  ),
});

/** DOKU refused the request with `code`. */
export const refused = <T>(code: string, message: string): GatewayOutcome<T> => ({
  kind: 'refused',
  result: snapResult(Number(code.slice(0, 3)), code, {
    responseCode: code,
    responseMessage: message,
  } as T),
});

/** DOKU may or may not have acted (no answer). */
export const unknown = <T>(reason = 'timeout'): GatewayOutcome<T> => ({
  kind: 'unknown',
  reason,
  result: {
    ...snapResult<T>(0, undefined, undefined, 'retry_later'),
    httpStatus: undefined,
    error: reason,
  },
});

/** Collaborators with scripted methods; `as never` casts them where a class is expected. */
export function fakes() {
  return {
    channels: new Channels(),
    metrics: new MetricsService(),
    payments: {
      create: vi.fn(),
      findById: vi.fn(),
      findByPartnerReferenceNo: vi.fn().mockResolvedValue(null),
      recordDokuAnswer: vi.fn(async (id: string, answer: Partial<PaymentEntity>) =>
        fakePayment({ id, ...answer }),
      ),
      changeStatus: vi.fn(async (id: string, change: { to: PaymentEntity['status'] }) => ({
        payment: fakePayment({ id, status: change.to }),
        changed: true,
        from: 'PENDING',
        conflict: false,
      })),
      markStatusChecked: vi.fn().mockResolvedValue(undefined),
      endSubmission: vi.fn().mockResolvedValue(undefined),
      claimForReconciliation: vi.fn().mockResolvedValue([]),
    },
    refunds: {
      markFailed: vi.fn(async (id: string) => ({ refund: fakeRefund({ id }), changed: true })),
      markSucceeded: vi.fn(async (id: string) => ({ refund: fakeRefund({ id }), changed: true })),
      noteProblem: vi.fn().mockResolvedValue(undefined),
      replaceExternalId: vi.fn().mockResolvedValue(undefined),
      accept: vi.fn(),
      refundablePayment: vi.fn(),
    },
    claims: { claim: vi.fn() },
    gateway: { call: vi.fn() },
    inquiry: { ask: vi.fn() },
    statuses: { check: vi.fn() },
    late: { reportedPaid: vi.fn().mockResolvedValue({ reason: 'none', action: 'none' }) },
    externalIds: {
      draw: () => '300000000000000000001',
      today: () => ({ partnerId: 'BRN-TEST', jakartaDay: '2026-12-01' }),
      reserve: vi.fn().mockResolvedValue('300000000000000000002'),
    },
  };
}
