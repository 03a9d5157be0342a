import { MigrationInterface, QueryRunner } from 'typeorm';

export class Interconnect1795550692649 implements MigrationInterface {
  name = 'Interconnect1795550692649';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "member_credentials" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "member_id" uuid NOT NULL,
                "kind" character varying(32) NOT NULL,
                "kid" character varying(128),
                "public_jwk" jsonb,
                "pin_sha256" character varying(64),
                "pin_type" character varying(16),
                "label" character varying(100),
                "not_before" TIMESTAMP WITH TIME ZONE NOT NULL,
                "not_after" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_member_credentials_kind" CHECK (kind IN ('jwk', 'certificate-pin')),
                CONSTRAINT "PK_b4b212e34a28104a71306ac80c7" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_member_credentials_pin" ON "member_credentials" ("pin_sha256")
            WHERE pin_sha256 IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_member_credentials_kid" ON "member_credentials" ("member_id", "kid")
            WHERE kid IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE TABLE "federation_settings" (
                "id" smallint NOT NULL,
                "mode" character varying(16) NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_by" character varying(255),
                CONSTRAINT "ck_federation_settings_mode" CHECK (mode IN ('open', 'agreement')),
                CONSTRAINT "ck_federation_settings_singleton" CHECK (id = 1),
                CONSTRAINT "PK_8cb92773a85fab8e07595d734ff" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "peering_agreements" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "offerer_domain" character varying(253) NOT NULL,
                "offeree_domain" character varying(253) NOT NULL,
                "services" text array NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                "state" character varying(16) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "decided_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "revoked_by" character varying(253),
                CONSTRAINT "ck_peering_agreements_state" CHECK (
                    state IN ('offered', 'accepted', 'rejected', 'revoked')
                ),
                CONSTRAINT "PK_8187eb801fd6cd3418986a53b76" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_peering_agreements_offeree" ON "peering_agreements" ("offeree_domain")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_peering_agreements_pair" ON "peering_agreements" ("offerer_domain", "offeree_domain")
        `);
    await queryRunner.query(`
            CREATE TABLE "interconnect_blocks" (
                "scope" character varying(16) NOT NULL,
                "blocker_domain" character varying(253) NOT NULL,
                "blocked_domain" character varying(253) NOT NULL,
                "reason" text,
                "created_by" character varying(255) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_21b7bc880c6837e7d1a39ed114e" PRIMARY KEY ("scope", "blocker_domain", "blocked_domain")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "transparency_log" (
                "seq" BIGSERIAL NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "kind" character varying(64) NOT NULL,
                "subjects" text array NOT NULL,
                "entry" jsonb NOT NULL,
                "prev_hash" character(64) NOT NULL,
                "hash" character(64) NOT NULL,
                CONSTRAINT "PK_2fe3766aa3eee2981e10034d0c1" PRIMARY KEY ("seq")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_transparency_log_hash" ON "transparency_log" ("hash")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_transparency_log_subjects" ON "transparency_log" USING GIN ("subjects")
        `);
    await queryRunner.query(`
            CREATE TABLE "hub_signing_keys" (
                "kid" character varying(128) NOT NULL,
                "alg" character varying(16) NOT NULL,
                "public_jwk" jsonb NOT NULL,
                "private_key_encrypted" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "retires_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_1742f518b7f3064244664dfbaeb" PRIMARY KEY ("kid")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "used_jtis" (
                "issuer" character varying(253) NOT NULL,
                "jti" character varying(200) NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_87fee1617d0b7c632d2f6da4719" PRIMARY KEY ("issuer", "jti")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_used_jtis_expires" ON "used_jtis" ("expires_at")
        `);
    await queryRunner.query(`
            ALTER TABLE "member_credentials"
            ADD CONSTRAINT "fk_member_credentials_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "member_credentials" DROP CONSTRAINT "fk_member_credentials_member"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_used_jtis_expires"
        `);
    await queryRunner.query(`
            DROP TABLE "used_jtis"
        `);
    await queryRunner.query(`
            DROP TABLE "hub_signing_keys"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_transparency_log_subjects"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_transparency_log_hash"
        `);
    await queryRunner.query(`
            DROP TABLE "transparency_log"
        `);
    await queryRunner.query(`
            DROP TABLE "interconnect_blocks"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_peering_agreements_pair"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_peering_agreements_offeree"
        `);
    await queryRunner.query(`
            DROP TABLE "peering_agreements"
        `);
    await queryRunner.query(`
            DROP TABLE "federation_settings"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_member_credentials_kid"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_member_credentials_pin"
        `);
    await queryRunner.query(`
            DROP TABLE "member_credentials"
        `);
  }
}
