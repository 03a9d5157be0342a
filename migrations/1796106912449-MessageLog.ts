import { MigrationInterface, QueryRunner } from 'typeorm';

export class MessageLog1796106912449 implements MigrationInterface {
  name = 'MessageLog1796106912449';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "legal_holds" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "scope" character varying(16) NOT NULL,
                "value" text NOT NULL,
                "reason" text NOT NULL,
                "created_by" character varying(255) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "released_at" TIMESTAMP WITH TIME ZONE,
                "released_by" character varying(255),
                CONSTRAINT "ck_legal_holds_scope" CHECK (scope IN ('member', 'participant', 'room')),
                CONSTRAINT "PK_bbe3e0c98678909493a90442dfb" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_legal_holds_active" ON "legal_holds" ("released_at", "scope")
        `);
    await queryRunner.query(`
            CREATE TABLE "message_log_retention" (
                "member_domain" character varying(253) NOT NULL,
                "days" integer NOT NULL,
                "updated_by" character varying(255) NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_5720209b348c2ffbfca7831d726" PRIMARY KEY ("member_domain")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "message_log_checkpoints" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "origin" character varying(253) NOT NULL,
                "from_seq" bigint NOT NULL,
                "to_seq" bigint NOT NULL,
                "record_count" bigint NOT NULL,
                "hash_before" bytea NOT NULL,
                "hash_after" bytea NOT NULL,
                "signature" text NOT NULL,
                "reason" character varying(32) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_aef1a10bc28c084cedfdd6d366d" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_message_log_checkpoints_origin_seq" ON "message_log_checkpoints" ("origin", "from_seq")
        `);
    await queryRunner.query(`
            CREATE TABLE "message_log_daily_stats" (
                "origin" character varying(253) NOT NULL,
                "day" date NOT NULL,
                "records" bigint NOT NULL DEFAULT '0',
                "body_bytes" bigint NOT NULL DEFAULT '0',
                "batches" bigint NOT NULL DEFAULT '0',
                CONSTRAINT "PK_b3e34a3e885cd9d865acc46f0f7" PRIMARY KEY ("origin", "day")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "message_log_daily_stats"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_message_log_checkpoints_origin_seq"
        `);
    await queryRunner.query(`
            DROP TABLE "message_log_checkpoints"
        `);
    await queryRunner.query(`
            DROP TABLE "message_log_retention"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_legal_holds_active"
        `);
    await queryRunner.query(`
            DROP TABLE "legal_holds"
        `);
  }
}
