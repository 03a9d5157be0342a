import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The message log itself, written by hand: TypeORM has no entity for a partitioned table,
 * so these tables stay outside the entity/migration drift check on purpose.
 *
 * - message_log: one row per logged record, range-partitioned by the message timestamp into daily
 *   partitions (created ahead by the worker and on demand). `tags` carries 'n:<member domain>',
 *   'u:<participant URI>' and 'r:<room>' so one GIN index serves lookups by member, participant and
 *   room; (origin, seq) walks a chain; ts serves time ranges and export.
 * - message_log_keys: the idempotency keys (origin, message id). A unique index on the partitioned
 *   table would have to include ts, so a resubmission with another timestamp would not be caught.
 * - message_log_chains: the head of each origin's hash chain, locked by every batch of that origin.
 */
export class MessageLogPartitioned1795560000000 implements MigrationInterface {
  name = 'MessageLogPartitioned1795560000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE message_log (
        ts timestamptz NOT NULL,
        origin varchar(253) NOT NULL,
        seq bigint NOT NULL,
        message_id varchar(256) NOT NULL,
        direction varchar(8) NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        sender text NOT NULL,
        recipients text[] NOT NULL,
        room text,
        content_type varchar(255) NOT NULL,
        body text,
        body_sha256 bytea NOT NULL,
        tags text[] NOT NULL,
        prev_hash bytea NOT NULL,
        chain_hash bytea NOT NULL,
        batch_id uuid NOT NULL,
        logged_at timestamptz NOT NULL DEFAULT now()
      ) PARTITION BY RANGE (ts)`);
    await queryRunner.query(`CREATE INDEX idx_message_log_tags ON message_log USING gin (tags)`);
    await queryRunner.query(`CREATE INDEX idx_message_log_origin_seq ON message_log (origin, seq)`);
    await queryRunner.query(`CREATE INDEX idx_message_log_ts ON message_log (ts)`);
    await queryRunner.query(`
      CREATE TABLE message_log_keys (
        origin varchar(253) NOT NULL,
        message_id varchar(256) NOT NULL,
        ts timestamptz NOT NULL,
        seq bigint NOT NULL,
        PRIMARY KEY (origin, message_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE message_log_chains (
        origin varchar(253) PRIMARY KEY,
        last_seq bigint NOT NULL,
        last_hash bytea NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE message_log_chains`);
    await queryRunner.query(`DROP TABLE message_log_keys`);
    await queryRunner.query(`DROP TABLE message_log`);
  }
}
