import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Every X-EXTERNAL-ID we send: SNAP wants it unique per partner and Jakarta calendar day. */
@Entity({ name: 'external_ids' })
export class ExternalIdEntity {
  @PrimaryColumn({ name: 'partner_id', type: 'varchar', length: 64 })
  partnerId: string;

  @PrimaryColumn({ name: 'jakarta_day', type: 'date' })
  jakartaDay: string;

  @PrimaryColumn({ name: 'external_id', type: 'varchar', length: 36 })
  externalId: string;

  /** What the id was drawn for: payment, refund, status_check. */
  @Column({ type: 'varchar', length: 32 })
  purpose: string;

  @Column({ name: 'subject_id', type: 'uuid', nullable: true })
  subjectId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
