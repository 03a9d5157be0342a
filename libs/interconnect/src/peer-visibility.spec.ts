import { memberDocument } from '@app/testing';
import { DEFAULT_PRIVACY, mayView, privacyOf } from './peer-visibility.js';

const HUB = 'hub.test.example';
const active = { domain: 'b.example.org', status: 'active' as const };

describe('privacyOf', () => {
  it('should read the membership block for this hub', () => {
    const privacy = privacyOf(
      memberDocument('b.example.org', { visibleToAll: false, allow: ['A.example.com'], deny: ['c.example.net'], listed: false }),
      HUB,
    );
    expect(privacy).toEqual({
      listed: false,
      visibleToAll: false,
      allow: new Set(['a.example.com']),
      deny: new Set(['c.example.net']),
    });
  });

  it('should default to visible to members but unlisted without a document or membership block', () => {
    expect(privacyOf(null, HUB)).toBe(DEFAULT_PRIVACY);
    const doc = memberDocument('b.example.org');
    delete doc.clearingHouseMembership;
    expect(privacyOf(doc, HUB)).toBe(DEFAULT_PRIVACY);
  });
});

describe('mayView', () => {
  const privacy = (o: Parameters<typeof memberDocument>[1]) => privacyOf(memberDocument('b.example.org', o), HUB);

  it('should let a member always see itself, whatever its status', () => {
    expect(mayView('b.example.org', { ...active, status: 'suspended' }, privacy({ visibleToAll: false }))).toBe(true);
  });

  it.each(['pending', 'suspended', 'withdrawn'] as const)('should hide a %s member from everyone else', (status) => {
    expect(mayView('a.example.com', { ...active, status }, privacy({}))).toBe(false);
  });

  it('should let deny beat visible-to-all and allow', () => {
    expect(
      mayView('a.example.com', active, privacy({ visibleToAll: true, allow: ['a.example.com'], deny: ['a.example.com'] })),
    ).toBe(false);
  });

  it('should show a not-visible-to-all member only to allowed peers', () => {
    const p = privacy({ visibleToAll: false, allow: ['a.example.com'] });
    expect(mayView('a.example.com', active, p)).toBe(true);
    expect(mayView('c.example.net', active, p)).toBe(false);
  });

  it('should show anonymous callers only members visible to all and listed', () => {
    expect(mayView(null, active, privacy({ visibleToAll: true, listed: true }))).toBe(true);
    expect(mayView(null, active, privacy({ visibleToAll: true, listed: false }))).toBe(false);
    expect(mayView(null, active, privacy({ visibleToAll: false, listed: true, allow: ['x.example.com'] }))).toBe(false);
  });
});
