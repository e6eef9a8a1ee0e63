import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Virtual accounts: the customer numbers the service issues (one sequence, so no two payments of
 * any replica ever share one), what the customer needs to pay (`instructions`), and a unique index
 * on the account number, by which DOKU's VA notifications find their payment. Additive.
 */
export class VirtualAccounts1765000000006 implements MigrationInterface {
  name = 'VirtualAccounts1765000000006';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE SEQUENCE "payment_account_customer_no_seq" AS bigint START WITH 1 NO CYCLE`,
    );
    await queryRunner.query(`ALTER TABLE "payments" ADD "instructions" jsonb`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "payments_virtual_account_no_idx" ON "payments" ((channel_input->>'virtualAccountNo')) WHERE channel_input ? 'virtualAccountNo'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "payments_virtual_account_no_idx"`);
    await queryRunner.query(`ALTER TABLE "payments" DROP COLUMN "instructions"`);
    await queryRunner.query(`DROP SEQUENCE "payment_account_customer_no_seq"`);
  }
}
