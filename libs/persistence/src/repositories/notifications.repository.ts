import { DataSource, EntityManager } from 'typeorm';
import { NotificationEntity, NotificationOutcome } from '../entities';

/** What DOKU told us in one notification, as it will be stored. */
export interface NotificationFact {
  /** X-EXTERNAL-ID of the notification request. */
  externalId: string | null;
  originalPartnerReferenceNo: string;
  originalReferenceNo: string | null;
  latestTransactionStatus: string;
  amountValue: string | null;
  currency: string | null;
  /** The payment it is about; null when no payment has that reference. */
  paymentId: string | null;
  signatureForm: string;
  rawBody: string;
}

export interface RecordedNotification {
  id: string;
  /** False when the same fact was already stored: only its repeat count moved. */
  firstTime: boolean;
  repeats: number;
  outcome: NotificationOutcome;
  paymentId: string | null;
}

interface RecordedRow {
  id: string;
  repeats: number;
  outcome: NotificationOutcome;
  payment_id: string | null;
}

/**
 * DOKU's notifications, one row per fact (payment reference, reported status). DOKU retries a
 * notification until it hears 2xx, so a repeat must count, never duplicate.
 */
export class NotificationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores the fact with a provisional outcome, or, when it is already stored, only counts the
   * repeat. One statement, so concurrent deliveries of the same fact cannot both be "first".
   */
  async recordIn(
    manager: EntityManager,
    fact: NotificationFact,
    provisional: NotificationOutcome,
  ): Promise<RecordedNotification> {
    const rows = (await manager.query(
      `INSERT INTO notifications
         (external_id, original_partner_reference_no, original_reference_no, latest_transaction_status,
          amount_value, currency, payment_id, outcome, signature_form, raw_body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (original_partner_reference_no, latest_transaction_status)
       DO UPDATE SET repeats = notifications.repeats + 1
       RETURNING id, repeats, outcome, payment_id`,
      [
        fact.externalId,
        fact.originalPartnerReferenceNo,
        fact.originalReferenceNo,
        fact.latestTransactionStatus,
        fact.amountValue,
        fact.currency,
        fact.paymentId,
        provisional,
        fact.signatureForm,
        fact.rawBody,
      ],
    )) as RecordedRow[];
    const row = rows[0];
    // A fresh row starts at 0; the conflict branch has just made it at least 1.
    return {
      id: row.id,
      firstTime: row.repeats === 0,
      repeats: row.repeats,
      outcome: row.outcome,
      paymentId: row.payment_id,
    };
  }

  /** Sets what a first-time fact turned out to mean, in the transaction that applied it. */
  async settleIn(manager: EntityManager, id: string, outcome: NotificationOutcome): Promise<void> {
    await manager.update(NotificationEntity, { id }, { outcome });
  }

  findByPartnerReferenceNo(originalPartnerReferenceNo: string): Promise<NotificationEntity[]> {
    return this.dataSource
      .getRepository(NotificationEntity)
      .find({ where: { originalPartnerReferenceNo }, order: { receivedAt: 'ASC' } });
  }
}
