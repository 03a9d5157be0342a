import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lawful interception, matching and delivery: the sealed IRI/CC records per (task, destination)
 * stream with the stream's sequence counter (its row lock orders a stream), each destination's
 * delivery state (lease, failures, backoff, last contact for keepalives) and the delivery log
 * that LI administrators read.
 */
export class LawfulInterceptionRecords1796638178777 implements MigrationInterface {
  name = 'LawfulInterceptionRecords1796638178777';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "li_records" (
                "id" BIGSERIAL NOT NULL,
                "xid" uuid NOT NULL,
                "destination_id" uuid NOT NULL,
                "seq" bigint NOT NULL,
                "sealed" bytea NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "delivered_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_aaa39e1ebf58a6a37d70de59b1e" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_li_records_pending" ON "li_records" ("destination_id", "id")
            WHERE "delivered_at" IS NULL
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_li_records_stream_seq" ON "li_records" ("xid", "destination_id", "seq")
        `);
    await queryRunner.query(`
            CREATE TABLE "li_record_streams" (
                "xid" uuid NOT NULL,
                "destination_id" uuid NOT NULL,
                "last_seq" bigint NOT NULL,
                CONSTRAINT "PK_7a48d8fcc280af163608766ef2c" PRIMARY KEY ("xid", "destination_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "li_delivery_state" (
                "destination_id" uuid NOT NULL,
                "failures" integer NOT NULL DEFAULT '0',
                "next_attempt_at" TIMESTAMP WITH TIME ZONE,
                "leased_by" character varying(64),
                "leased_until" TIMESTAMP WITH TIME ZONE,
                "last_success_at" TIMESTAMP WITH TIME ZONE,
                "last_attempt_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_9a81b0e80a144cbee47b20180a5" PRIMARY KEY ("destination_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "li_delivery_log" (
                "id" BIGSERIAL NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "destination_id" uuid NOT NULL,
                "outcome" text NOT NULL,
                "records" integer NOT NULL DEFAULT '0',
                "failures" integer NOT NULL DEFAULT '0',
                "detail" bytea,
                CONSTRAINT "ck_li_delivery_log_outcome" CHECK (
                    outcome IN (
                        'delivered',
                        'failed',
                        'retrying-at-cap',
                        'keepalive',
                        'keepalive-failed'
                    )
                ),
                CONSTRAINT "PK_5cb587b119c975c98364e8e0f50" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_li_delivery_log_destination" ON "li_delivery_log" ("destination_id", "id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."idx_li_delivery_log_destination"
        `);
    await queryRunner.query(`
            DROP TABLE "li_delivery_log"
        `);
    await queryRunner.query(`
            DROP TABLE "li_delivery_state"
        `);
    await queryRunner.query(`
            DROP TABLE "li_record_streams"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_li_records_stream_seq"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_li_records_pending"
        `);
    await queryRunner.query(`
            DROP TABLE "li_records"
        `);
  }
}
