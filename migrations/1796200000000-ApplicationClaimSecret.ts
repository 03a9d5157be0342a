import { MigrationInterface, QueryRunner } from 'typeorm';

/** A self-applied member collects its first API key with a secret it got when applying (hash kept until used). */
export class ApplicationClaimSecret1796200000000 implements MigrationInterface {
  name = 'ApplicationClaimSecret1796200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "members" ADD "claim_secret_hash" character varying(64)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "members" DROP COLUMN "claim_secret_hash"`);
  }
}
