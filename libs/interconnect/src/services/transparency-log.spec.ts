import { jest } from '@jest/globals';
import type { TransparencyEntryEntity, TransparencyRepository } from '@app/db';
import type { InterconnectDecisions } from './interconnect-decisions.service.js';
import { TransparencyLog } from './transparency-log.service.js';

const ME = 'a.example.com';
const HIDDEN = 'x.example.org';
const SHOWN = 'b.example.net';

/** Entries 1…n naming ME and, for each, the other subject `other(seq)`. */
function entries(n: number, other: (seq: number) => string): TransparencyEntryEntity[] {
  return Array.from({ length: n }, (_, i) => ({
    seq: String(i + 1),
    kind: 'peering.offered',
    subjects: [ME, other(i + 1)],
    entry: {},
  })) as unknown as TransparencyEntryEntity[];
}

/** A repository over `all`, paging like the real one (seq order, after `afterSeq`, at most `limit`). */
function repositoryOver(all: TransparencyEntryEntity[]) {
  const list = jest.fn(async (q: { afterSeq?: string; limit: number }) =>
    all.filter((e) => Number(e.seq) > Number(q.afterSeq ?? 0)).slice(0, q.limit),
  );
  return { list } as unknown as TransparencyRepository & { list: typeof list };
}

const decisions = {
  directory: async () => ({ visible: (viewer: string, target: string) => viewer === ME && target !== HIDDEN }),
} as unknown as InterconnectDecisions;

describe(TransparencyLog.name, () => {
  it('should leave out entries naming a member hidden from the reader', async () => {
    const log = new TransparencyLog(repositoryOver(entries(6, (s) => (s % 2 ? HIDDEN : SHOWN))), decisions);
    const read = await log.readableBy(ME, { limit: 10 });
    expect(read.map((e) => e.seq)).toEqual(['2', '4', '6']);
  });

  it('should read on past a full page of hidden entries instead of ending the paging early', async () => {
    const repo = repositoryOver(entries(12, (s) => (s <= 5 ? HIDDEN : SHOWN)));
    const log = new TransparencyLog(repo, decisions);
    const first = await log.readableBy(ME, { limit: 4 });
    expect(first.map((e) => e.seq)).toEqual(['6', '7', '8', '9']);
    const next = await log.readableBy(ME, { afterSeq: '9', limit: 4 });
    expect(next.map((e) => e.seq)).toEqual(['10', '11', '12']);
  });

  it("should keep the reader's own member blocks of a member it no longer sees", async () => {
    const own = { seq: '1', kind: 'block.member.added', subjects: [ME, HIDDEN], entry: { blocker: ME } };
    const log = new TransparencyLog(repositoryOver([own as unknown as TransparencyEntryEntity]), decisions);
    expect(await log.readableBy(ME, { limit: 10 })).toEqual([own]);
  });
});
