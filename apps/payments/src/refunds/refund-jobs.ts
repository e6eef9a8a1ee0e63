import type { JobsOptions } from 'bullmq';
import type { AppConfig } from '../config/app-config';

/** BullMQ job ids may not contain ':' nor be all digits: `refund-<uuid>` is neither. */
export const refundJobId = (refundId: string) => `refund-${refundId}`;

export interface RefundJobData {
  refundId: string;
  /** The API request that asked for the refund (no secret): its work's lines carry it. */
  requestId?: string;
}

/** Retries back off exponentially with jitter; a failed job is kept for operators. */
export function refundJobOptions(config: AppConfig, jobId: string): JobsOptions {
  return {
    jobId,
    attempts: config.refundMaxAttempts,
    backoff: { type: 'exponential', delay: config.refundBackoffMs, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: false,
  };
}
