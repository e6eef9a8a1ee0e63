/** Every queue of the service. Job names are listed with their queue. */
export const REFUNDS_QUEUE = 'refunds';
export const REFUND_JOB = 'refund';
export const REFUND_SWEEP_JOB = 'refund-sweep';
/** Money DOKU took on a payment the books closed, refunded (LATE_PAYMENT_POLICY=refund). */
export const LATE_PAYMENT_REFUND_JOB = 'late-payment-refund';

export const RECONCILIATION_QUEUE = 'reconciliation';
export const RECONCILE_PAYMENTS_JOB = 'reconcile-payments';

/** Events pushed to webhook endpoints: one job per delivery attempt. */
export const WEBHOOKS_QUEUE = 'webhook-deliveries';
export const DELIVER_JOB = 'deliver';
export const WEBHOOK_SWEEP_JOB = 'webhook-sweep';

/** QRIS payments confirmed by querying DOKU: one job per query, chained until the QR is settled. */
export const QR_CONFIRMATIONS_QUEUE = 'qr-confirmations';
export const CONFIRM_QR_JOB = 'confirm-qr';
export const QR_SWEEP_JOB = 'qr-sweep';

export const ALL_QUEUES = [
  REFUNDS_QUEUE,
  RECONCILIATION_QUEUE,
  WEBHOOKS_QUEUE,
  QR_CONFIRMATIONS_QUEUE,
] as const;
