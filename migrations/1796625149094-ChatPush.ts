import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pushing room events to members' chat gateways: the push state of each gateway (lease, failures
 * in a row, backoff, parking) and how each delivery was done (deliveries done before this were
 * all pulled and acknowledged).
 */
export class ChatPush1796625149094 implements MigrationInterface {
  name = 'ChatPush1796625149094';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "chat_destinations" (
                "network" character varying(253) NOT NULL,
                "attempts" integer NOT NULL DEFAULT '0',
                "next_attempt_at" TIMESTAMP WITH TIME ZONE,
                "parked_at" TIMESTAMP WITH TIME ZONE,
                "last_error" text,
                "leased_by" character varying(64),
                "leased_until" TIMESTAMP WITH TIME ZONE,
                "last_success_at" TIMESTAMP WITH TIME ZONE,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_b26e66b5e1e34994aa505c7f353" PRIMARY KEY ("network")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "chat_deliveries"
            ADD "outcome" character varying(16)
        `);
    await queryRunner.query(`
            UPDATE "chat_deliveries" SET "outcome" = 'acknowledged' WHERE "delivered_at" IS NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "chat_deliveries" DROP COLUMN "outcome"
        `);
    await queryRunner.query(`
            DROP TABLE "chat_destinations"
        `);
  }
}
