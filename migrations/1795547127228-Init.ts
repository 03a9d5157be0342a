import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795547127228 implements MigrationInterface {
  name = 'Init1795547127228';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "audit_log" (
                "id" BIGSERIAL NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "actor_type" character varying(16) NOT NULL,
                "actor_id" character varying(255) NOT NULL,
                "action" character varying(64) NOT NULL,
                "target_type" character varying(32) NOT NULL,
                "target_id" character varying(255) NOT NULL,
                "reason" text,
                "request_id" character varying(128),
                "details" jsonb NOT NULL DEFAULT '{}'::jsonb,
                CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_audit_log_action" ON "audit_log" ("action", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_audit_log_target" ON "audit_log" ("target_type", "target_id", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "job_receipts" (
                "job_id" character varying(128) NOT NULL,
                "queue" character varying(64) NOT NULL,
                "job_name" character varying(64) NOT NULL,
                "result" jsonb NOT NULL DEFAULT '{}'::jsonb,
                "attempts_made" integer NOT NULL,
                "completed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_7da7ccc076c854ef537ecc75276" PRIMARY KEY ("job_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "members" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "domain" character varying(253) NOT NULL,
                "display_name" character varying(200) NOT NULL,
                "protocols" text array NOT NULL,
                "contacts" jsonb NOT NULL DEFAULT '{}'::jsonb,
                "status" character varying(16) NOT NULL,
                "status_reason" text,
                "status_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "applied_by" character varying(16) NOT NULL,
                "row_version" integer NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_members_status" CHECK (
                    status IN ('pending', 'active', 'suspended', 'withdrawn')
                ),
                CONSTRAINT "PK_28b53062261b996d9c99fa12404" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_members_domain" ON "members" ("domain")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_members_status_domain" ON "members" ("status", "domain")
        `);
    await queryRunner.query(`
            CREATE TABLE "member_api_keys" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "member_id" uuid NOT NULL,
                "token_hash" character(64) NOT NULL,
                "token_prefix" character varying(16) NOT NULL,
                "label" character varying(100),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_d33456843849c06dad877160fe2" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_member_api_keys_member" ON "member_api_keys" ("member_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_member_api_keys_token_hash" ON "member_api_keys" ("token_hash")
        `);
    await queryRunner.query(`
            CREATE TABLE "operators" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" character varying(100) NOT NULL,
                "role" character varying(16) NOT NULL,
                "token_hash" character(64) NOT NULL,
                "token_prefix" character varying(16) NOT NULL,
                "created_by" character varying(100),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "disabled_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "ck_operators_role" CHECK (role IN ('admin', 'auditor')),
                CONSTRAINT "PK_3d02b3692836893720335a79d1b" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_operators_name" ON "operators" ("name")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_operators_token_hash" ON "operators" ("token_hash")
        `);
    await queryRunner.query(`
            CREATE TABLE "outbox" (
                "id" BIGSERIAL NOT NULL,
                "queue" character varying(64) NOT NULL,
                "job_name" character varying(64) NOT NULL,
                "payload" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "dispatched_at" TIMESTAMP WITH TIME ZONE,
                "dispatch_attempts" integer NOT NULL DEFAULT '0',
                "last_error" text,
                CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_outbox_pending" ON "outbox" ("id")
            WHERE dispatched_at IS NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "member_api_keys"
            ADD CONSTRAINT "fk_member_api_keys_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "member_api_keys" DROP CONSTRAINT "fk_member_api_keys_member"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_outbox_pending"
        `);
    await queryRunner.query(`
            DROP TABLE "outbox"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_operators_token_hash"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_operators_name"
        `);
    await queryRunner.query(`
            DROP TABLE "operators"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_member_api_keys_token_hash"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_member_api_keys_member"
        `);
    await queryRunner.query(`
            DROP TABLE "member_api_keys"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_members_status_domain"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_members_domain"
        `);
    await queryRunner.query(`
            DROP TABLE "members"
        `);
    await queryRunner.query(`
            DROP TABLE "job_receipts"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_audit_log_target"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_audit_log_action"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_log"
        `);
  }
}
