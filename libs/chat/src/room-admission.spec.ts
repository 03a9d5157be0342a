import { mayEnter, networksToRemove, type PresentNetwork } from './room-admission.js';

/** Pairs that may talk, unordered. */
const talking =
  (...pairs: Array<[string, string]>) =>
  (a: string, b: string) =>
    pairs.some(([p, q]) => (p === a && q === b) || (p === b && q === a));
const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 10, minute));
const present = (...domains: string[]): PresentNetwork[] => domains.map((domain, i) => ({ domain, firstJoinedAt: at(i) }));
const allActive = () => true;

describe('mayEnter', () => {
  it('should let a network into an empty room and into a room of its own users', () => {
    expect(mayEnter('a', [], talking())).toBe(true);
    expect(mayEnter('a', ['a'], talking())).toBe(true);
  });

  it('should let a network in only when it may talk with every network present', () => {
    expect(mayEnter('c', ['a', 'b'], talking(['a', 'c'], ['b', 'c']))).toBe(true);
    expect(mayEnter('c', ['a', 'b'], talking(['a', 'c']))).toBe(false);
    expect(mayEnter('c', ['a', 'b'], talking(['a', 'b']))).toBe(false);
  });
});

describe('networksToRemove', () => {
  it('should remove nobody while every pair may talk', () => {
    expect(networksToRemove(present('a', 'b', 'c'), talking(['a', 'b'], ['a', 'c'], ['b', 'c']), allActive)).toEqual([]);
  });

  it('should remove the later of two networks that may no longer talk, and keep the others', () => {
    expect(networksToRemove(present('a', 'b', 'c'), talking(['a', 'b'], ['a', 'c']), allActive)).toEqual(['c']);
  });

  it('should decide by when each network first joined, not by the order it is listed in', () => {
    const joined: PresentNetwork[] = [
      { domain: 'c', firstJoinedAt: at(1) },
      { domain: 'b', firstJoinedAt: at(5) },
      { domain: 'a', firstJoinedAt: at(0) },
    ];
    expect(networksToRemove(joined, talking(['a', 'b'], ['a', 'c']), allActive)).toEqual(['b']);
  });

  it('should not remove a network because of one that is removed itself', () => {
    // c may not talk with b, which came earlier; d may talk with a and b but not with c: c goes, d stays
    const mayTalk = talking(['a', 'b'], ['a', 'c'], ['a', 'd'], ['b', 'd']);
    expect(networksToRemove(present('a', 'b', 'c', 'd'), mayTalk, allActive)).toEqual(['c']);
  });

  it('should remove a network that is no longer active even when it was there first', () => {
    const mayTalk = talking(['a', 'b'], ['b', 'c'], ['a', 'c']);
    expect(networksToRemove(present('a', 'b', 'c'), mayTalk, (d) => d !== 'a')).toEqual(['a']);
  });

  it('should remove an inactive network alone in its room', () => {
    expect(networksToRemove(present('a'), talking(), () => false)).toEqual(['a']);
  });

  it('should break a tie in joining time by domain, the same on every evaluation', () => {
    const same = [
      { domain: 'b', firstJoinedAt: at(0) },
      { domain: 'a', firstJoinedAt: at(0) },
    ];
    expect(networksToRemove(same, talking(), allActive)).toEqual(['b']);
  });
});
