import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Interception records are numbered in their stream when the delivery worker first sends them
 * (the batch in flight is kept on the destination's delivery state) and deleted once delivered.
 */
export class LiRecordsInFlight1796640000000 implements MigrationInterface {
  name = 'LiRecordsInFlight1796640000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // records still waiting are numbered again when sent, in the same order (a stream's records
    // are delivered in order, so those waiting are its last ones): its counter goes back before them
    await queryRunner.query(`
            UPDATE "li_record_streams" s SET last_seq = w.first - 1
              FROM (SELECT xid, destination_id, min(seq) AS first FROM "li_records"
                     WHERE delivered_at IS NULL GROUP BY xid, destination_id) w
             WHERE s.xid = w.xid AND s.destination_id = w.destination_id
        `);
    await queryRunner.query(`DELETE FROM "li_records" WHERE delivered_at IS NOT NULL`);
    await queryRunner.query(`DROP INDEX "public"."uq_li_records_stream_seq"`);
    await queryRunner.query(`DROP INDEX "public"."idx_li_records_pending"`);
    await queryRunner.query(`ALTER TABLE "li_records" DROP COLUMN "seq"`);
    await queryRunner.query(`ALTER TABLE "li_records" DROP COLUMN "delivered_at"`);
    await queryRunner.query(`CREATE INDEX "idx_li_records_pending" ON "li_records" ("destination_id", "id")`);
    await queryRunner.query(`ALTER TABLE "li_delivery_state" ADD "in_flight_ids" bigint array`);
    await queryRunner.query(`ALTER TABLE "li_delivery_state" ADD "in_flight_seqs" bigint array`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "li_records" ADD "delivered_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "li_records" ADD "seq" bigint`);
    // a batch in flight keeps its numbers; the other waiting records are numbered after their stream's last
    await queryRunner.query(`
            UPDATE "li_records" r SET seq = f.seq
              FROM "li_delivery_state" s, unnest(s.in_flight_ids, s.in_flight_seqs) AS f(id, seq)
             WHERE r.id = f.id AND r.destination_id = s.destination_id
        `);
    await queryRunner.query(`
            WITH unnumbered AS (
                SELECT r.id, coalesce(s.last_seq, 0)
                         + row_number() OVER (PARTITION BY r.xid, r.destination_id ORDER BY r.id) AS seq
                  FROM "li_records" r
                  LEFT JOIN "li_record_streams" s ON s.xid = r.xid AND s.destination_id = r.destination_id
                 WHERE r.seq IS NULL
            )
            UPDATE "li_records" r SET seq = u.seq FROM unnumbered u WHERE r.id = u.id
        `);
    await queryRunner.query(`
            INSERT INTO "li_record_streams" (xid, destination_id, last_seq)
            SELECT xid, destination_id, max(seq) FROM "li_records" GROUP BY xid, destination_id
            ON CONFLICT (xid, destination_id) DO UPDATE SET last_seq = greatest("li_record_streams".last_seq, EXCLUDED.last_seq)
        `);
    await queryRunner.query(`ALTER TABLE "li_records" ALTER COLUMN "seq" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "li_delivery_state" DROP COLUMN "in_flight_seqs"`);
    await queryRunner.query(`ALTER TABLE "li_delivery_state" DROP COLUMN "in_flight_ids"`);
    await queryRunner.query(`DROP INDEX "public"."idx_li_records_pending"`);
    await queryRunner.query(`
            CREATE INDEX "idx_li_records_pending" ON "li_records" ("destination_id", "id")
            WHERE "delivered_at" IS NULL
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_li_records_stream_seq" ON "li_records" ("xid", "destination_id", "seq")
        `);
  }
}
