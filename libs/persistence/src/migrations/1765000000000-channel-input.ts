import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inputs only some channels take move from fixed columns (DANA's device and return URL were
 * NOT NULL for every payment) into one jsonb column, old rows copied into it. Not additive: stop
 * the previous release's processes before it runs (they read the dropped columns).
 */
export class ChannelInput1765000000000 implements MigrationInterface {
  name = 'ChannelInput1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "payments" ADD "channel_input" jsonb NOT NULL DEFAULT '{}'`,
    );
    await queryRunner.query(
      `UPDATE "payments" SET "channel_input" = jsonb_strip_nulls(jsonb_build_object(
         'returnUrl', return_url, 'deviceId', device_id, 'ipAddress', ip_address,
         'orderTitle', order_title, 'pointOfInitiation', point_of_initiation, 'deepLink', deep_link))`,
    );
    for (const column of [
      'return_url',
      'device_id',
      'ip_address',
      'order_title',
      'point_of_initiation',
      'deep_link',
    ])
      await queryRunner.query(`ALTER TABLE "payments" DROP COLUMN "${column}"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "payments" ADD "return_url" character varying(255), ADD "device_id" character varying(64),
         ADD "ip_address" character varying(15), ADD "order_title" character varying(255),
         ADD "point_of_initiation" character varying(8), ADD "deep_link" boolean NOT NULL DEFAULT false`,
    );
    await queryRunner.query(
      `UPDATE "payments" SET "return_url" = channel_input->>'returnUrl', "device_id" = channel_input->>'deviceId',
         "ip_address" = channel_input->>'ipAddress', "order_title" = channel_input->>'orderTitle',
         "point_of_initiation" = channel_input->>'pointOfInitiation',
         "deep_link" = coalesce((channel_input->>'deepLink')::boolean, false)`,
    );
    await queryRunner.query(
      `ALTER TABLE "payments" ALTER "return_url" SET NOT NULL, ALTER "device_id" SET NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE "payments" DROP COLUMN "channel_input"`);
  }
}
