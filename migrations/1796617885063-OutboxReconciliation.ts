import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox rows stay open after dispatch until the reconciler finds their job's receipt (settled_at)
 * or their job failed for good (parked_at); redispatches counts the times a lost job was added again.
 * Rows whose receipt already exists are settled here, so the reconciler starts with what is open.
 */
export class OutboxReconciliation1796617885063 implements MigrationInterface {
  name = 'OutboxReconciliation1796617885063';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "outbox"
            ADD "redispatches" integer NOT NULL DEFAULT '0',
            ADD "settled_at" TIMESTAMP WITH TIME ZONE,
            ADD "parked_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            UPDATE "outbox" o SET "settled_at" = r."completed_at"
            FROM "job_receipts" r
            WHERE o."dispatched_at" IS NOT NULL AND r."job_id" = 'outbox-' || o."job_key"::text
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_outbox_unsettled" ON "outbox" ("dispatched_at")
            WHERE dispatched_at IS NOT NULL AND settled_at IS NULL AND parked_at IS NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."idx_outbox_unsettled"
        `);
    await queryRunner.query(`
            ALTER TABLE "outbox" DROP COLUMN "parked_at", DROP COLUMN "settled_at", DROP COLUMN "redispatches"
        `);
  }
}
