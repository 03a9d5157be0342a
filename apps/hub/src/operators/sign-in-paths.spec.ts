import { signInReturnPath } from './sign-in-paths.js';

describe('signInReturnPath', () => {
  it('should send the browser back to the console or a dashboard page', () => {
    for (const path of ['/console', '/admin/queues/', '/admin/queues/read-only/queue/chat']) {
      expect(signInReturnPath(path)).toBe(path);
    }
  });

  it('should send anything else to the console (no open redirect)', () => {
    for (const next of [
      'https://evil.example/',
      '//evil.example/',
      '/console//evil.example',
      '/admin/queues//evil.example',
      '/console/x',
      '/admin/v1/members',
      '/admin/queuesx',
      `/admin/queues/${'a'.repeat(600)}`,
      undefined,
      42,
    ]) {
      expect(signInReturnPath(next)).toBe('/console');
    }
  });
});
