import { cookieValue, hasSessionCookie, sameOrigin } from './operator-session-cookie.js';

const request = (headers: Record<string, string>) => ({ headers, protocol: 'https', host: 'hub.example:8443' });

describe('sameOrigin', () => {
  it("should accept the hub's own scheme, host and port", () => {
    expect(sameOrigin(request({ origin: 'https://hub.example:8443' }))).toBe(true);
  });

  it('should refuse another site, scheme or port, and the opaque origin a browser sends under no-referrer', () => {
    for (const origin of ['https://evil.example', 'http://hub.example:8443', 'https://hub.example', 'null', '']) {
      expect(sameOrigin(request({ origin }))).toBe(false);
    }
  });

  it('should judge a request without Origin by Fetch Metadata: refused when it names another site', () => {
    expect(sameOrigin(request({}))).toBe(true);
    expect(sameOrigin(request({ 'sec-fetch-site': 'same-origin' }))).toBe(true);
    for (const site of ['cross-site', 'same-site', 'none']) expect(sameOrigin(request({ 'sec-fetch-site': site }))).toBe(false);
  });
});

describe('cookieValue', () => {
  it('should find the named cookie among others, the first when repeated', () => {
    expect(cookieValue('a=1; hub_operator_session=hubos_x; b=2', 'hub_operator_session')).toBe('hubos_x');
    expect(cookieValue('hub_operator_session=first; hub_operator_session=second', 'hub_operator_session')).toBe('first');
    expect(cookieValue('xhub_operator_session=1', 'hub_operator_session')).toBeUndefined();
    expect(hasSessionCookie({ cookie: 'a=1' })).toBe(false);
    expect(hasSessionCookie({})).toBe(false);
    expect(hasSessionCookie({ cookie: 'hub_operator_session=' })).toBe(true);
  });
});
