import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A status history for refunds, as payments have. Refunds accepted before it get what is certain:
 * accepted (PENDING) when created, and their present status, marked as backfilled, when last moved.
 */
export class RefundStatusChanges1765000000001 implements MigrationInterface {
  name = 'RefundStatusChanges1765000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "refund_status_changes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "refund_id" uuid NOT NULL, "from_status" character varying(16), "to_status" character varying(16) NOT NULL, "source" character varying(32) NOT NULL, "detail" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_refund_status_changes" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "refund_status_changes_refund_idx" ON "refund_status_changes" ("refund_id")`,
    );
    await queryRunner.query(
      `INSERT INTO "refund_status_changes" (refund_id, from_status, to_status, source, created_at)
       SELECT id, NULL, 'PENDING', 'api', created_at FROM refunds`,
    );
    await queryRunner.query(
      `INSERT INTO "refund_status_changes" (refund_id, from_status, to_status, source, detail, created_at)
       SELECT id, 'PENDING', status, 'worker', '{"backfilled":true}', updated_at FROM refunds WHERE status <> 'PENDING'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "refund_status_changes"`);
  }
}
