import { MigrationInterface, QueryRunner } from 'typeorm';

/** Hub-hosted rooms: the rooms, their participants and their numbered events. */
export class ChatRooms1796615674737 implements MigrationInterface {
  name = 'ChatRooms1796615674737';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "chat_rooms" (
                "id" character varying(32) NOT NULL,
                "uri" text NOT NULL,
                "creator_network" character varying(253) NOT NULL,
                "created_by" text NOT NULL,
                "subject" text,
                "history_visibility" character varying(16) NOT NULL,
                "last_seq" bigint NOT NULL DEFAULT '0',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_chat_rooms_history" CHECK (
                    history_visibility IN ('shared', 'joined', 'invited')
                ),
                CONSTRAINT "PK_c69082bd83bffeb71b0f455bd59" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_chat_rooms_uri" ON "chat_rooms" ("uri")
        `);
    await queryRunner.query(`
            CREATE TABLE "chat_participants" (
                "room_id" character varying(32) NOT NULL,
                "user_uri" text NOT NULL,
                "network" character varying(253) NOT NULL,
                "role" character varying(16) NOT NULL,
                "state" character varying(16) NOT NULL,
                "invited_seq" bigint,
                "joined_seq" bigint,
                "joined_at" TIMESTAMP WITH TIME ZONE,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "ck_chat_participants_state" CHECK (
                    state IN (
                        'invited',
                        'joined',
                        'left',
                        'kicked',
                        'banned',
                        'removed'
                    )
                ),
                CONSTRAINT "ck_chat_participants_role" CHECK (role IN ('owner', 'moderator', 'participant')),
                CONSTRAINT "PK_1f271f455da3410c72751dd5038" PRIMARY KEY ("room_id", "user_uri")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_chat_participants_network" ON "chat_participants" ("network", "state")
        `);
    await queryRunner.query(`
            CREATE TABLE "chat_events" (
                "room_id" character varying(32) NOT NULL,
                "seq" bigint NOT NULL,
                "kind" character varying(24) NOT NULL,
                "actor" text,
                "user_uri" text,
                "network" character varying(253) NOT NULL,
                "content" jsonb NOT NULL DEFAULT '{}',
                "client_id" character varying(128),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_4dd6d7a6a6650f5deb8287731f9" PRIMARY KEY ("room_id", "seq")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_chat_events_client_id" ON "chat_events" ("room_id", "network", "client_id")
            WHERE "client_id" IS NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."uq_chat_events_client_id"
        `);
    await queryRunner.query(`
            DROP TABLE "chat_events"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_chat_participants_network"
        `);
    await queryRunner.query(`
            DROP TABLE "chat_participants"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_chat_rooms_uri"
        `);
    await queryRunner.query(`
            DROP TABLE "chat_rooms"
        `);
  }
}
