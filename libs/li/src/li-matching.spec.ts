import { coversInstant, type LiCandidateTask, matchesOf, spanOf, targetsOf } from './li-matching.js';

const hostOf = (uri: string) => (uri.includes('@') ? uri.slice(uri.lastIndexOf('@') + 1) : null);

const task = (over: Partial<LiCandidateTask> = {}): LiCandidateTask => ({
  lookup: 'aa',
  xid: 'x1',
  deliveryType: 'iri',
  destinationIds: ['d1'],
  validFrom: new Date('2026-01-01T00:00:00Z'),
  validUntil: null,
  ...over,
});

describe('targetsOf', () => {
  it('should give each participant as a user and each of their domains once', () => {
    expect(
      targetsOf(['sip:alice@a.example', 'xmpp:bob@b.example', 'sip:carol@a.example', 'sip:alice@a.example'], hostOf),
    ).toEqual([
      { kind: 'user', uri: 'sip:alice@a.example' },
      { kind: 'user', uri: 'xmpp:bob@b.example' },
      { kind: 'user', uri: 'sip:carol@a.example' },
      { kind: 'domain', domain: 'a.example' },
      { kind: 'domain', domain: 'b.example' },
    ]);
  });

  it('should match a value without a host by user only', () => {
    expect(targetsOf(['not-a-uri'], hostOf)).toEqual([{ kind: 'user', uri: 'not-a-uri' }]);
  });

  it('should give nothing for no participants', () => {
    expect(targetsOf([], hostOf)).toEqual([]);
  });
});

describe('coversInstant', () => {
  const window = { validFrom: new Date(1000), validUntil: new Date(2000) };

  it('should include the start and exclude the end', () => {
    expect(coversInstant(window, new Date(1000))).toBe(true);
    expect(coversInstant(window, new Date(1999))).toBe(true);
    expect(coversInstant(window, new Date(2000))).toBe(false);
    expect(coversInstant(window, new Date(999))).toBe(false);
  });

  it('should leave an open-ended window open', () => {
    expect(coversInstant({ validFrom: new Date(1000), validUntil: null }, new Date(8.64e15))).toBe(true);
    expect(coversInstant({ validFrom: new Date(1000), validUntil: null }, new Date(999))).toBe(false);
  });
});

describe('matchesOf', () => {
  const at = new Date('2026-06-01T12:00:00Z');

  it('should match a task found under one of the communication’s own lookups', () => {
    expect(matchesOf(new Set(['aa', 'bb']), at, [task()])).toEqual([{ xid: 'x1', deliveryType: 'iri', destinationIds: ['d1'] }]);
  });

  it('should not match a task found under another communication’s lookup of the same batch', () => {
    expect(matchesOf(new Set(['bb']), at, [task()])).toEqual([]);
  });

  it('should match a task once however many of its targets take part', () => {
    const candidates = [task({ lookup: 'aa' }), task({ lookup: 'bb' })];
    expect(matchesOf(new Set(['aa', 'bb']), at, candidates)).toHaveLength(1);
  });

  it('should keep each matching task with its own delivery type and destinations, in order', () => {
    const candidates = [
      task({ xid: 'x2', deliveryType: 'iri-and-cc', destinationIds: ['d2', 'd3'] }),
      task({ xid: 'x1', lookup: 'bb' }),
    ];
    expect(matchesOf(new Set(['aa', 'bb']), at, candidates)).toEqual([
      { xid: 'x2', deliveryType: 'iri-and-cc', destinationIds: ['d2', 'd3'] },
      { xid: 'x1', deliveryType: 'iri', destinationIds: ['d1'] },
    ]);
  });

  it('should leave out a task whose window does not cover the communication’s time', () => {
    const before = task({ validFrom: new Date('2026-07-01T00:00:00Z') });
    const ended = task({ xid: 'x2', validUntil: new Date('2026-05-01T00:00:00Z') });
    expect(matchesOf(new Set(['aa']), at, [before, ended])).toEqual([]);
  });

  it('should match a task whose window covers the time under a second lookup after one that does not', () => {
    const candidates = [task({ lookup: 'zz' }), task({ lookup: 'aa' })];
    expect(matchesOf(new Set(['aa']), at, candidates)).toEqual([{ xid: 'x1', deliveryType: 'iri', destinationIds: ['d1'] }]);
  });
});

describe('spanOf', () => {
  it('should give the earliest and latest instants', () => {
    const span = spanOf([{ at: new Date(5) }, { at: new Date(2) }, { at: new Date(9) }, { at: new Date(7) }]);
    expect(span).toEqual({ from: new Date(2), to: new Date(9) });
  });

  it('should give null for nothing', () => {
    expect(spanOf([])).toBeNull();
  });

  it('should give one instant for one communication', () => {
    expect(spanOf([{ at: new Date(3) }])).toEqual({ from: new Date(3), to: new Date(3) });
  });
});
