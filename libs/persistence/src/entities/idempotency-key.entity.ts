import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type IdempotencyState = 'IN_FLIGHT' | 'COMPLETED';

/** An internal caller's Idempotency-Key and the first response it got. */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKeyEntity {
  /** Fingerprint of the caller's API key: keys of different callers never collide. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  caller: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  /** SHA-256 of method, path and body: the same key with another request is refused. */
  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash: string;

  @Column({ type: 'varchar', length: 16 })
  state: IdempotencyState;

  @Column({ name: 'response_status', type: 'int', nullable: true })
  responseStatus: number | null;

  /** The first answer's bytes, exactly as sent: a replay sends them again. */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  /** An IN_FLIGHT key whose holder died is taken over after this. */
  @Column({ name: 'locked_until', type: 'timestamptz' })
  lockedUntil: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
