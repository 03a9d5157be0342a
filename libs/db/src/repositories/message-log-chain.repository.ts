import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A stored record as chain verification reads it: hashes in hex, the stored body only as its digest. */
export interface ChainRecordRow {
  seq: number;
  messageId: string;
  ts: Date;
  direction: string;
  sender: string;
  recipients: string[];
  room: string | null;
  contentType: string;
  bodySha256: string;
  /** SHA-256 of the stored body (UTF-8), null when the record carries only a digest */
  storedBodySha256: string | null;
  prevHash: string;
  chainHash: string;
}

export interface CheckpointRow {
  fromSeq: number;
  toSeq: number;
  recordCount: number;
  hashBefore: string;
  hashAfter: string;
  signature: string;
}

type RecordRaw = {
  seq: string;
  message_id: string;
  ts: Date;
  direction: string;
  sender: string;
  recipients: string[];
  room: string | null;
  content_type: string;
  body_sha256: string;
  stored_body_sha256: string | null;
  prev_hash: string;
  chain_hash: string;
};

/** The read side of the message log's hash chains (tamper evidence). */
@Injectable()
export class MessageLogChainRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one read-only REPEATABLE READ transaction: every page sees the same snapshot. */
  snapshot<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      return work(manager);
    });
  }

  async head(origin: string, manager: EntityManager): Promise<{ seq: number; hash: string } | null> {
    const rows: Array<{ last_seq: string; last_hash: string }> = await manager.query(
      "SELECT last_seq, encode(last_hash, 'hex') AS last_hash FROM message_log_chains WHERE origin = $1",
      [origin],
    );
    return rows[0] ? { seq: Number(rows[0].last_seq), hash: rows[0].last_hash } : null;
  }

  /** One page of `origin`'s records with afterSeq < seq ≤ toSeq, in seq order. */
  async recordsPage(
    origin: string,
    afterSeq: number,
    toSeq: number,
    limit: number,
    manager: EntityManager,
  ): Promise<ChainRecordRow[]> {
    const rows: RecordRaw[] = await manager.query(
      `SELECT seq, message_id, ts, direction, sender, recipients, room, content_type,
              encode(body_sha256, 'hex') AS body_sha256,
              CASE WHEN body IS NULL THEN NULL ELSE encode(sha256(convert_to(body, 'UTF8')), 'hex') END AS stored_body_sha256,
              encode(prev_hash, 'hex') AS prev_hash, encode(chain_hash, 'hex') AS chain_hash
       FROM message_log WHERE origin = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4`,
      [origin, afterSeq, toSeq, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      messageId: r.message_id,
      ts: r.ts,
      direction: r.direction,
      sender: r.sender,
      recipients: r.recipients,
      room: r.room,
      contentType: r.content_type,
      bodySha256: r.body_sha256,
      storedBodySha256: r.stored_body_sha256,
      prevHash: r.prev_hash,
      chainHash: r.chain_hash,
    }));
  }

  /** `origin`'s checkpoints overlapping fromSeq..toSeq, in seq order. */
  async checkpoints(origin: string, fromSeq: number, toSeq: number, manager: EntityManager): Promise<CheckpointRow[]> {
    const rows: Array<{
      from_seq: string;
      to_seq: string;
      record_count: string;
      hash_before: string;
      hash_after: string;
      signature: string;
    }> = await manager.query(
      `SELECT from_seq, to_seq, record_count, encode(hash_before, 'hex') AS hash_before, encode(hash_after, 'hex') AS hash_after, signature
       FROM message_log_checkpoints WHERE origin = $1 AND from_seq <= $3 AND to_seq >= $2 ORDER BY from_seq, to_seq`,
      [origin, fromSeq, toSeq],
    );
    return rows.map((r) => ({
      fromSeq: Number(r.from_seq),
      toSeq: Number(r.to_seq),
      recordCount: Number(r.record_count),
      hashBefore: r.hash_before,
      hashAfter: r.hash_after,
      signature: r.signature,
    }));
  }
}
