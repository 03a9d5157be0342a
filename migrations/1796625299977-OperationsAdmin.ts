import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operator tooling: browser sessions of operators (the queue dashboard's cookie, stored as a
 * hash), usage counters per member, peering pair, day and kind with the ids of the in-memory
 * flushes already added, and outbox rows an operator discarded (with an index listing the parked
 * rows per queue).
 */
export class OperationsAdmin1796625299977 implements MigrationInterface {
  name = 'OperationsAdmin1796625299977';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "operator_sessions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "token_hash" character(64) NOT NULL,
                "operator_id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_73b13bd07c5666193c04d434505" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_operator_sessions_token_hash" ON "operator_sessions" ("token_hash")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_operator_sessions_operator" ON "operator_sessions" ("operator_id")
        `);
    await queryRunner.query(`
            CREATE TABLE "usage_counters" (
                "day" date NOT NULL,
                "member" character varying(253) NOT NULL,
                "peer" character varying(253) NOT NULL,
                "kind" character varying(32) NOT NULL,
                "n" bigint NOT NULL,
                CONSTRAINT "ck_usage_counters_kind" CHECK (
                    kind IN (
                        'messages-logged',
                        'chat-messages',
                        'chat-deliveries',
                        'provisioning-fetches',
                        'assertions-issued'
                    )
                ),
                CONSTRAINT "PK_ed8ff6b5b0eb933b5525ca936ee" PRIMARY KEY ("day", "member", "peer", "kind")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "usage_flushes" (
                "id" uuid NOT NULL,
                "flushed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_d4bfad84c064c0a2e85ec6cc696" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "outbox"
            ADD "discarded_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_outbox_parked" ON "outbox" ("queue", "id")
            WHERE parked_at IS NOT NULL
                AND discarded_at IS NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "operator_sessions"
            ADD CONSTRAINT "fk_operator_sessions_operator" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "operator_sessions" DROP CONSTRAINT "fk_operator_sessions_operator"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_outbox_parked"
        `);
    await queryRunner.query(`
            ALTER TABLE "outbox" DROP COLUMN "discarded_at"
        `);
    await queryRunner.query(`
            DROP TABLE "usage_flushes"
        `);
    await queryRunner.query(`
            DROP TABLE "usage_counters"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_operator_sessions_operator"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_operator_sessions_token_hash"
        `);
    await queryRunner.query(`
            DROP TABLE "operator_sessions"
        `);
  }
}
