import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Callers' metadata on payments and refunds; the indexes of the lists (newest first, keyset on
 * created_at and id; by status, by payment, by metadata); and the idempotency keys' first answer
 * kept as its bytes (a replay sends exactly them). Additive but for that column's type.
 */
export class ListsAndMetadata1765000000003 implements MigrationInterface {
  name = 'ListsAndMetadata1765000000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "payments" ADD "metadata" jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "refunds" ADD "metadata" jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query(
      `CREATE INDEX "payments_created_idx" ON "payments" ("created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "payments_status_created_idx" ON "payments" ("status", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "payments_metadata_idx" ON "payments" USING gin ("metadata" jsonb_path_ops)`,
    );
    await queryRunner.query(`CREATE INDEX "refunds_created_idx" ON "refunds" ("created_at", "id")`);
    await queryRunner.query(
      `CREATE INDEX "refunds_status_created_idx" ON "refunds" ("status", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "refunds_payment_created_idx" ON "refunds" ("payment_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "idempotency_keys" ALTER COLUMN "response_body" TYPE text USING "response_body"::text`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "idempotency_keys" ALTER COLUMN "response_body" TYPE jsonb USING "response_body"::jsonb`,
    );
    for (const index of [
      'refunds_payment_created_idx',
      'refunds_status_created_idx',
      'refunds_created_idx',
      'payments_metadata_idx',
      'payments_status_created_idx',
      'payments_created_idx',
    ])
      await queryRunner.query(`DROP INDEX "public"."${index}"`);
    await queryRunner.query(`ALTER TABLE "refunds" DROP COLUMN "metadata"`);
    await queryRunner.query(`ALTER TABLE "payments" DROP COLUMN "metadata"`);
  }
}
