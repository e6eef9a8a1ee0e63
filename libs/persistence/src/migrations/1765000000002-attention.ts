import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a person must look at (payments DOKU reports paid after the books closed them, or with
 * another amount; refunds whose calls ran out), what DOKU reported paid in those cases, and what
 * DOKU said at a payment's last status check; and until when a payment's first submission to DOKU
 * runs (a plain retry after it resumes the payment). Additive.
 */
export class Attention1765000000002 implements MigrationInterface {
  name = 'Attention1765000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "payments" ADD "last_status_check" jsonb, ADD "doku_paid_amount" numeric(18,2),
         ADD "attention_reason" character varying(32), ADD "attention_since" TIMESTAMP WITH TIME ZONE,
         ADD "attention_detail" jsonb, ADD "submitting_until" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `ALTER TABLE "refunds" ADD "attention_reason" character varying(32), ADD "attention_since" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `CREATE INDEX "payments_attention_idx" ON "payments" ("attention_since") WHERE attention_reason IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "refunds_attention_idx" ON "refunds" ("attention_since") WHERE attention_reason IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."refunds_attention_idx"`);
    await queryRunner.query(`DROP INDEX "public"."payments_attention_idx"`);
    await queryRunner.query(
      `ALTER TABLE "refunds" DROP COLUMN "attention_since", DROP COLUMN "attention_reason"`,
    );
    await queryRunner.query(
      `ALTER TABLE "payments" DROP COLUMN "submitting_until", DROP COLUMN "attention_detail", DROP COLUMN "attention_since",
         DROP COLUMN "attention_reason", DROP COLUMN "doku_paid_amount", DROP COLUMN "last_status_check"`,
    );
  }
}
