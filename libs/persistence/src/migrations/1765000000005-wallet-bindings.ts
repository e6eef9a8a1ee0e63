import { MigrationInterface, QueryRunner } from 'typeorm';

/** Wallet bindings (OVO): the customer token and authCode stored encrypted. Additive. */
export class WalletBindings1765000000005 implements MigrationInterface {
  name = 'WalletBindings1765000000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "wallet_bindings" ("id" uuid NOT NULL, "channel" character varying(16) NOT NULL, "customer_id" character varying(64) NOT NULL, "phone_number" character varying(16) NOT NULL, "status" character varying(16) NOT NULL, "success_url" text NOT NULL, "failure_url" text NOT NULL, "redirect_url" text, "reference_no" text, "return_nonce_hash" character varying(64) NOT NULL, "auth_code" text, "customer_token" text, "customer_token_expires_at" TIMESTAMP WITH TIME ZONE, "failure_code" character varying(32), "failure_message" text, "bound_at" TIMESTAMP WITH TIME ZONE, "unbound_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "wallet_bindings_status_ck" CHECK ("status" IN ('PENDING', 'ACTIVE', 'FAILED', 'UNBOUND')), CONSTRAINT "PK_wallet_bindings" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "wallet_bindings_customer_idx" ON "wallet_bindings" ("customer_id", "created_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "wallet_bindings"`);
  }
}
