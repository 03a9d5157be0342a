import { MigrationInterface, QueryRunner } from 'typeorm';

/** Room events per destination network, written with the event: the source of pushes and pulls. */
export class ChatDeliveries1796617323282 implements MigrationInterface {
  name = 'ChatDeliveries1796617323282';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "chat_deliveries" (
                "id" BIGSERIAL NOT NULL,
                "room_id" character varying(32) NOT NULL,
                "seq" bigint NOT NULL,
                "network" character varying(253) NOT NULL,
                "recipients" text array NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "delivered_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_45e8784c6916581ea3e3197c54c" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_chat_deliveries_pending" ON "chat_deliveries" ("network", "id")
            WHERE "delivered_at" IS NULL
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_chat_deliveries_event" ON "chat_deliveries" ("room_id", "seq", "network")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."uq_chat_deliveries_event"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_chat_deliveries_pending"
        `);
    await queryRunner.query(`
            DROP TABLE "chat_deliveries"
        `);
  }
}
