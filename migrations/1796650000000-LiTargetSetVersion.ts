import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A version of the set of active targets (li_task_targets), raised by a trigger in the
 * transaction of every change to that table, so the matcher can keep the set in memory and know,
 * with one read of one row, whether its copy is still the set every later statement sees.
 */
export class LiTargetSetVersion1796650000000 implements MigrationInterface {
  name = 'LiTargetSetVersion1796650000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "li_target_set_version" (
        "id" smallint NOT NULL DEFAULT 1,
        "version" bigint NOT NULL DEFAULT 0,
        CONSTRAINT "PK_li_target_set_version" PRIMARY KEY ("id"),
        CONSTRAINT "ck_li_target_set_version_one_row" CHECK ("id" = 1)
      )
    `);
    await queryRunner.query(`INSERT INTO "li_target_set_version" ("id", "version") VALUES (1, 0)`);
    await queryRunner.query(`
      CREATE FUNCTION "li_target_set_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE "li_target_set_version" SET "version" = "version" + 1 WHERE "id" = 1;
        RETURN NULL;
      END
      $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER "trg_li_task_targets_changed"
      AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "li_task_targets"
      FOR EACH STATEMENT EXECUTE FUNCTION "li_target_set_changed"()
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "trg_li_task_targets_changed" ON "li_task_targets"`);
    await queryRunner.query(`DROP FUNCTION "li_target_set_changed"()`);
    await queryRunner.query(`DROP TABLE "li_target_set_version"`);
  }
}
