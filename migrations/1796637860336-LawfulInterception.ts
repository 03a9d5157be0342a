import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lawful interception: its own administrators (token hash or client-certificate fingerprint),
 * its own audit trail, agencies' destinations and tasks (names, addresses, targets and warrant
 * references sealed with LI_SECRET_KEY), and the blind index of the active tasks' targets that the
 * matcher probes (rows only while their task is active).
 */
export class LawfulInterception1796637860336 implements MigrationInterface {
  name = 'LawfulInterception1796637860336';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "li_administrators" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" text NOT NULL,
                "token_hash" bytea,
                "cert_sha256" text,
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "disabled_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_9078b9a0c07a7b881b0783c9c6c" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_li_administrators_name" ON "li_administrators" ("name")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_li_administrators_token_hash" ON "li_administrators" ("token_hash")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_li_administrators_cert_sha256" ON "li_administrators" ("cert_sha256")
        `);
    await queryRunner.query(`
            CREATE TABLE "li_audit" (
                "id" BIGSERIAL NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "administrator_id" uuid,
                "action" text NOT NULL,
                "xid" uuid,
                "outcome" text NOT NULL,
                "detail" bytea,
                CONSTRAINT "PK_436d9c41a8e861c77abc4c7f183" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_li_audit_xid" ON "li_audit" ("xid", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "li_destinations" (
                "did" uuid NOT NULL,
                "sealed" bytea NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "modified_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "removed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_bab0fe369972929b04ab797c514" PRIMARY KEY ("did")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "li_tasks" (
                "xid" uuid NOT NULL,
                "state" text NOT NULL,
                "delivery_type" text NOT NULL,
                "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL,
                "valid_until" TIMESTAMP WITH TIME ZONE,
                "destination_ids" uuid array NOT NULL,
                "sealed" bytea NOT NULL,
                "created_by" uuid NOT NULL,
                "approved_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "modified_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "deactivated_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "ck_li_tasks_delivery_type" CHECK (delivery_type IN ('iri', 'iri-and-cc')),
                CONSTRAINT "ck_li_tasks_state" CHECK (
                    state IN ('awaiting-approval', 'active', 'deactivated')
                ),
                CONSTRAINT "PK_c4a309ba25de051e3fbd9565753" PRIMARY KEY ("xid")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_li_tasks_state" ON "li_tasks" ("state")
        `);
    await queryRunner.query(`
            CREATE TABLE "li_task_targets" (
                "lookup" bytea NOT NULL,
                "xid" uuid NOT NULL,
                CONSTRAINT "PK_23f1a41db7b73b55c6a8da60290" PRIMARY KEY ("lookup", "xid")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_li_task_targets_xid" ON "li_task_targets" ("xid")
        `);
    await queryRunner.query(`
            ALTER TABLE "li_task_targets"
            ADD CONSTRAINT "fk_li_task_targets_task" FOREIGN KEY ("xid") REFERENCES "li_tasks"("xid") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "li_task_targets" DROP CONSTRAINT "fk_li_task_targets_task"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_li_task_targets_xid"
        `);
    await queryRunner.query(`
            DROP TABLE "li_task_targets"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_li_tasks_state"
        `);
    await queryRunner.query(`
            DROP TABLE "li_tasks"
        `);
    await queryRunner.query(`
            DROP TABLE "li_destinations"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_li_audit_xid"
        `);
    await queryRunner.query(`
            DROP TABLE "li_audit"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_li_administrators_cert_sha256"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_li_administrators_token_hash"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_li_administrators_name"
        `);
    await queryRunner.query(`
            DROP TABLE "li_administrators"
        `);
  }
}
