import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Interception records are numbered in their stream by the delivery worker when it first sends
 * them (matching stores them unnumbered), and are read for sending by number, then by id.
 */
export class LiRecordsNumberedAtSend1796640000000 implements MigrationInterface {
  name = 'LiRecordsNumberedAtSend1796640000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "li_records" ALTER COLUMN "seq" DROP NOT NULL`);
    await queryRunner.query(`DROP INDEX "public"."idx_li_records_pending"`);
    await queryRunner.query(`
            CREATE INDEX "idx_li_records_pending" ON "li_records" ("destination_id", "seq", "id")
            WHERE "delivered_at" IS NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_li_records_pending"`);
    await queryRunner.query(`
            CREATE INDEX "idx_li_records_pending" ON "li_records" ("destination_id", "id")
            WHERE "delivered_at" IS NULL
        `);
    // records not yet sent have no number: they are numbered now, in the order they were stored
    await queryRunner.query(`
            WITH unnumbered AS (
                SELECT r.id, coalesce(s.last_seq, 0) + row_number() OVER (PARTITION BY r.xid, r.destination_id ORDER BY r.id) AS seq
                FROM "li_records" r
                LEFT JOIN "li_record_streams" s ON s.xid = r.xid AND s.destination_id = r.destination_id
                WHERE r.seq IS NULL
            )
            UPDATE "li_records" r SET seq = u.seq FROM unnumbered u WHERE r.id = u.id
        `);
    await queryRunner.query(`
            INSERT INTO "li_record_streams" (xid, destination_id, last_seq)
            SELECT xid, destination_id, max(seq) FROM "li_records" GROUP BY xid, destination_id
            ON CONFLICT (xid, destination_id) DO UPDATE SET last_seq = EXCLUDED.last_seq
        `);
    await queryRunner.query(`ALTER TABLE "li_records" ALTER COLUMN "seq" SET NOT NULL`);
  }
}
