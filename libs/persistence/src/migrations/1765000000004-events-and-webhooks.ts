import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events (written by the statements that make the changes they report), the webhook relay's
 * place in them, deliveries per event and endpoint with their attempts, and what is known of each
 * endpoint (disabled or not). Additive.
 */
export class EventsAndWebhooks1765000000004 implements MigrationInterface {
  name = 'EventsAndWebhooks1765000000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of [
      `CREATE TABLE "events" ("id" character varying(40) NOT NULL, "type" character varying(40) NOT NULL, "resource_id" uuid NOT NULL, "snapshot" jsonb NOT NULL, "body" text, "txid" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_40731c7151fe4be3116e45ddf73" PRIMARY KEY ("id"))`,
      `CREATE INDEX "events_resource_idx" ON "events" ("resource_id")`,
      `CREATE INDEX "events_created_idx" ON "events" ("created_at")`,
      `CREATE INDEX "events_txid_idx" ON "events" ("txid", "id")`,
      `CREATE TABLE "event_relay" ("id" smallint NOT NULL, "txid" bigint NOT NULL, "event_id" character varying(40) NOT NULL, CONSTRAINT "PK_6ad99263c61a573bae9d969fef9" PRIMARY KEY ("id"))`,
      `INSERT INTO "event_relay" ("id", "txid", "event_id") VALUES (1, 0, '')`,
      `CREATE TABLE "webhook_deliveries" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "event_id" character varying(40) NOT NULL, "endpoint_id" character varying(64) NOT NULL, "status" character varying(16) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "delivered_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))`,
      `CREATE INDEX "webhook_deliveries_pending_idx" ON "webhook_deliveries" ("endpoint_id", "next_attempt_at") WHERE status = 'pending'`,
      `CREATE UNIQUE INDEX "webhook_deliveries_event_endpoint_key" ON "webhook_deliveries" ("event_id", "endpoint_id")`,
      `CREATE TABLE "webhook_attempts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "delivery_id" uuid NOT NULL, "outcome" character varying(16) NOT NULL, "status_code" integer, "duration_ms" integer NOT NULL, "excerpt" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2de7e7887ad97de459adab62638" PRIMARY KEY ("id"))`,
      `CREATE INDEX "webhook_attempts_delivery_idx" ON "webhook_attempts" ("delivery_id")`,
      `CREATE TABLE "webhook_endpoints" ("id" character varying(64) NOT NULL, "url" text NOT NULL, "disabled_at" TIMESTAMP WITH TIME ZONE, "disabled_reason" text, CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id"))`,
    ])
      await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'webhook_endpoints',
      'webhook_attempts',
      'webhook_deliveries',
      'event_relay',
      'events',
    ])
      await queryRunner.query(`DROP TABLE "${table}"`);
  }
}
