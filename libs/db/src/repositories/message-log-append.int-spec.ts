import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { openTestDataSource, truncateAll } from '@app/testing';
import { LogBatchText } from './log-batch-text.js';
import {
  type ChainHead,
  isDuplicateKeyError,
  isMissingPartitionError,
  MessageLogRepository,
  partitionName,
  utcDay,
} from './message-log.repository.js';

const ORIGIN = "o'brien.example";
const H1 = 'a1'.repeat(32);
const H2 = 'b2'.repeat(32);
const OUTBOX = { queue: 'message-log', jobName: 'message-log-batch-committed', payload: { note: `it's "quoted" \\ ${ORIGIN}` } };

/** A batch of one row whose chain links follow `head`. */
function oneRow(
  head: ChainHead,
  messageId = `m-${randomUUID()}`,
  overrides: Partial<Parameters<LogBatchText['add']>[0]> = {},
): { text: LogBatchText; next: ChainHead } {
  const text = new LogBatchText(ORIGIN, randomUUID());
  text.add({
    ts: new Date().toISOString(),
    messageId,
    direction: 'outbound',
    sender: `sip:alice@${ORIGIN}`,
    recipients: ['sip:bob@b.example'],
    room: null,
    contentType: 'text/plain',
    body: 'hello',
    bodySha256: 'cd'.repeat(32),
    tags: [`n:${ORIGIN}`],
    ...overrides,
  });
  const lastHash = head.lastHash === H1 ? H2 : H1;
  text.setLinks(0, head.lastSeq + 1, head.lastHash, lastHash);
  return { text, next: { lastSeq: head.lastSeq + 1, lastHash } };
}

describe('MessageLogRepository.appendBatch (integration)', () => {
  let dataSource: DataSource;
  let log: MessageLogRepository;
  const counts = async () =>
    (
      await dataSource.query(
        `SELECT (SELECT count(*) FROM message_log)::int AS rows, (SELECT count(*) FROM message_log_keys)::int AS keys,
           (SELECT count(*) FROM outbox)::int AS outbox,
           (SELECT coalesce(max(last_seq), 0)::int FROM message_log_chains WHERE origin = $1) AS seq`,
        [ORIGIN],
      )
    )[0];

  beforeAll(async () => {
    dataSource = await openTestDataSource();
    log = new MessageLogRepository(dataSource);
  });
  afterAll(() => dataSource?.destroy());
  beforeEach(async () => {
    await truncateAll(dataSource);
    const today = utcDay(new Date());
    await log.ensureDailyPartitions(today, today);
  });

  it('should commit the rows, the chain head and the outbox row in four round trips', async () => {
    const query = jest.spyOn(pg.Client.prototype, 'query');
    try {
      const result = await log.appendBatch(ORIGIN, async (head, tx) => {
        expect(head).toEqual({ lastSeq: 0, lastHash: '0'.repeat(64) });
        const { text, next } = oneRow(head);
        await tx.copy(text);
        text.finish();
        return { result: 'done', commit: { head: next, outbox: OUTBOX } };
      });
      expect(result).toBe('done');
      expect(query).toHaveBeenCalledTimes(4);
    } finally {
      query.mockRestore();
    }
    expect(await counts()).toEqual({ rows: 1, keys: 1, outbox: 1, seq: 1 });
    const [outbox] = await dataSource.query('SELECT queue, job_name, payload FROM outbox');
    expect(outbox).toEqual({ queue: OUTBOX.queue, job_name: OUTBOX.jobName, payload: OUTBOX.payload });
    const [chain] = await dataSource.query(`SELECT encode(last_hash, 'hex') AS h FROM message_log_chains WHERE origin = $1`, [
      ORIGIN,
    ]);
    expect(chain.h).toBe(H1);
  });

  it('should leave nothing when the work fails after its COPY, and keep the pool usable', async () => {
    await expect(
      log.appendBatch(ORIGIN, async (head, tx) => {
        const { text } = oneRow(head);
        await tx.copy(text);
        text.finish();
        throw new Error('crash after the copy');
      }),
    ).rejects.toThrow('crash after the copy');
    expect(await counts()).toEqual({ rows: 0, keys: 0, outbox: 0, seq: 0 });

    await log.appendBatch(ORIGIN, async (head, tx) => {
      const { text, next } = oneRow(head);
      await tx.copy(text);
      text.finish();
      return { result: null, commit: { head: next, outbox: OUTBOX } };
    });
    expect(await counts()).toEqual({ rows: 1, keys: 1, outbox: 1, seq: 1 });
  });

  it('should roll the rows and the chain head back when the commit statement fails', async () => {
    const badOutbox = { ...OUTBOX, queue: 'q'.repeat(65) }; // longer than outbox.queue's varchar(64)
    await expect(
      log.appendBatch(ORIGIN, async (head, tx) => {
        const { text, next } = oneRow(head);
        await tx.copy(text);
        text.finish();
        return { result: null, commit: { head: next, outbox: badOutbox } };
      }),
    ).rejects.toThrow(/too long/);
    expect(await counts()).toEqual({ rows: 0, keys: 0, outbox: 0, seq: 0 });
  });

  it('should write nothing when the work has nothing to commit', async () => {
    const result = await log.appendBatch(ORIGIN, async () => ({ result: 'all duplicates', commit: null }));
    expect(result).toBe('all duplicates');
    expect(await counts()).toEqual({ rows: 0, keys: 0, outbox: 0, seq: 0 });
  });

  it('should serialise batches of one origin on its chain head and find the ids already logged', async () => {
    let releaseFirst!: () => void;
    const firstHoldsLock = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstLocked!: () => void;
    const locked = new Promise<void>((resolve) => (firstLocked = resolve));
    const first = log.appendBatch(ORIGIN, async (head, tx) => {
      firstLocked();
      await firstHoldsLock;
      const { text, next } = oneRow(head, 'm-first');
      await tx.copy(text);
      text.finish();
      return { result: head, commit: { head: next, outbox: OUTBOX } };
    });
    await locked;
    const second = log.appendBatch(ORIGIN, async (head, tx) => ({
      result: { head, logged: await tx.findLogged(['m-first', 'm-other']) },
      commit: null,
    }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    releaseFirst();
    expect((await first).lastSeq).toBe(0);
    const seen = await second;
    expect(seen.head.lastSeq).toBe(1);
    expect(seen.logged).toEqual(new Map([['m-first', 1]]));
  });

  it('should tell a missing partition from a CHECK violation by the error fields (SQLSTATE, table, no constraint)', async () => {
    const failure = (overrides: Parameters<typeof oneRow>[2]) =>
      log
        .appendBatch(ORIGIN, async (head, tx) => {
          const { text } = oneRow(head, undefined, overrides);
          try {
            await tx.copy(text);
          } finally {
            text.finish();
          }
          return { result: null, commit: null };
        })
        .then(
          () => null,
          (error: unknown) => error,
        );
    const noPartition = await failure({ ts: '2999-01-01T00:00:00.000Z' });
    expect(noPartition).toMatchObject({ code: '23514' });
    expect(isMissingPartitionError(noPartition)).toBe(true);
    expect(isDuplicateKeyError(noPartition)).toBe(false);
    const check = await failure({ direction: 'sideways' as 'inbound' });
    expect(check).toMatchObject({ code: '23514' });
    expect(isMissingPartitionError(check)).toBe(false);
    expect(await counts()).toEqual({ rows: 0, keys: 0, outbox: 0, seq: 0 });
  });

  describe('append', () => {
    /** Appends one row with `messageId` and `ts`, recording `duplicatesPossible` per attempt; skips an id already logged. */
    const appendOne = (messageId: string, ts: Date, attempts: boolean[]) =>
      log.append(ORIGIN, { from: ts, to: ts }, async (head, tx) => {
        attempts.push(tx.duplicatesPossible);
        const logged = tx.duplicatesPossible ? await tx.findLogged([messageId]) : new Map<string, number>();
        if (logged.has(messageId)) return { result: `duplicate of ${logged.get(messageId)}`, commit: null };
        const { text, next } = oneRow(head, messageId, { ts: ts.toISOString() });
        try {
          await tx.copy(text);
        } finally {
          text.finish();
        }
        return { result: `logged at ${next.lastSeq}`, commit: { head: next, outbox: OUTBOX } };
      });

    it('should append without the duplicate lookup first and redo the batch with it after a resubmitted id', async () => {
      const attempts: boolean[] = [];
      expect(await appendOne('m-once', new Date(), attempts)).toBe('logged at 1');
      expect(attempts).toEqual([false]);
      attempts.length = 0;
      expect(await appendOne('m-once', new Date(), attempts)).toBe('duplicate of 1');
      expect(attempts).toEqual([false, true]);
      expect(await counts()).toEqual({ rows: 1, keys: 1, outbox: 1, seq: 1 });
    });

    it('should create the missing daily partition and redo the batch once', async () => {
      const later = new Date(utcDay(new Date()).getTime() + 40 * 86_400_000 + 3_600_000);
      const attempts: boolean[] = [];
      expect(await appendOne('m-later', later, attempts)).toBe('logged at 1');
      expect(attempts).toEqual([false, false]);
      const name = partitionName(utcDay(later));
      expect((await log.partitions()).map((p) => p.name)).toContain(name);
      expect(await counts()).toEqual({ rows: 1, keys: 1, outbox: 1, seq: 1 });
      // other specs of the run see the partitions as the maintenance job left them
      await dataSource.query(`DROP TABLE ${name}`);
    });
  });
});
