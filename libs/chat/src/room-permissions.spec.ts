import { mayChangeRole, mayModerate, mayRemove } from './room-permissions.js';

describe('room permissions', () => {
  it('should let owners and moderators moderate, and not participants', () => {
    expect([mayModerate('owner'), mayModerate('moderator'), mayModerate('participant')]).toEqual([true, true, false]);
  });

  it('should let a participant be removed only by someone ranked above it', () => {
    expect(mayRemove('owner', 'moderator')).toBe(true);
    expect(mayRemove('owner', 'participant')).toBe(true);
    expect(mayRemove('moderator', 'participant')).toBe(true);
    expect(mayRemove('moderator', 'moderator')).toBe(false);
    expect(mayRemove('moderator', 'owner')).toBe(false);
    expect(mayRemove('owner', 'owner')).toBe(false);
    expect(mayRemove('participant', 'participant')).toBe(false);
  });

  it('should let owners change any role and moderators only make participants moderators', () => {
    expect(mayChangeRole('owner', 'owner', 'participant')).toBe(true);
    expect(mayChangeRole('owner', 'participant', 'owner')).toBe(true);
    expect(mayChangeRole('moderator', 'participant', 'moderator')).toBe(true);
    expect(mayChangeRole('moderator', 'participant', 'owner')).toBe(false);
    expect(mayChangeRole('moderator', 'moderator', 'participant')).toBe(false);
    expect(mayChangeRole('moderator', 'owner', 'participant')).toBe(false);
    expect(mayChangeRole('participant', 'participant', 'moderator')).toBe(false);
  });
});
