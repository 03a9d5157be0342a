import { MigrationInterface, QueryRunner } from 'typeorm';

export class OutboxJobKey1795549960278 implements MigrationInterface {
  name = 'OutboxJobKey1795549960278';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "outbox"
            ADD "job_key" uuid NOT NULL DEFAULT gen_random_uuid()
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "outbox" DROP COLUMN "job_key"
        `);
  }
}
