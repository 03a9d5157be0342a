import { MigrationInterface, QueryRunner } from 'typeorm';

export class ProvisioningVersions1795550412072 implements MigrationInterface {
  name = 'ProvisioningVersions1795550412072';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "provisioning_overrides" (
                "member_id" uuid NOT NULL,
                "peer_domain" character varying(253) NOT NULL,
                "patch" jsonb NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_e8a9bb315f8d0243413ab838187" PRIMARY KEY ("member_id", "peer_domain")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "provisioning_versions" (
                "id" BIGSERIAL NOT NULL,
                "member_id" uuid NOT NULL,
                "seq" integer NOT NULL,
                "ver" character varying(64) NOT NULL,
                "document" jsonb NOT NULL,
                "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "published_by" character varying(100) NOT NULL,
                CONSTRAINT "PK_d887879d5c96f6e36247e2a7009" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_provisioning_versions_published" ON "provisioning_versions" ("published_at", "id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_provisioning_versions_member_seq" ON "provisioning_versions" ("member_id", "seq")
        `);
    await queryRunner.query(`
            ALTER TABLE "provisioning_overrides"
            ADD CONSTRAINT "fk_provisioning_overrides_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "provisioning_versions"
            ADD CONSTRAINT "fk_provisioning_versions_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "provisioning_versions" DROP CONSTRAINT "fk_provisioning_versions_member"
        `);
    await queryRunner.query(`
            ALTER TABLE "provisioning_overrides" DROP CONSTRAINT "fk_provisioning_overrides_member"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_provisioning_versions_member_seq"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_provisioning_versions_published"
        `);
    await queryRunner.query(`
            DROP TABLE "provisioning_versions"
        `);
    await queryRunner.query(`
            DROP TABLE "provisioning_overrides"
        `);
  }
}
