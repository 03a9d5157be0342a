import { ALL_CHANGED, ChangeBus, memberChangeKey } from '@app/db';
import { HUB_DOCUMENT, RenderedView, ViewCache } from './view-cache.js';

class FakeBus {
  private subscriber: (key: string) => void = () => undefined;
  subscribe(fn: (key: string) => void) {
    this.subscriber = fn;
    return () => undefined;
  }
  emit(key: string) {
    this.subscriber(key);
  }
}

const view = (ver: string): RenderedView => ({ body: Buffer.from(ver), ver, etag: `"${ver}"` });

describe(ViewCache.name, () => {
  let bus: FakeBus;
  let cache: ViewCache;

  beforeEach(() => {
    bus = new FakeBus();
    cache = new ViewCache(bus as unknown as ChangeBus);
  });

  it('should keep views per domain, requestor and format', () => {
    cache.set('b.example.org', 'a.example.com', 'xml', view('1'), cache.epoch);
    expect(cache.get('b.example.org', 'a.example.com', 'xml')?.ver).toBe('1');
    expect(cache.get('b.example.org', 'a.example.com', 'json')).toBeUndefined();
    expect(cache.get('b.example.org', null, 'xml')).toBeUndefined();
  });

  it("should drop a member's views and the hub document when the member changes", () => {
    cache.set('b.example.org', null, 'xml', view('1'), cache.epoch);
    cache.set('c.example.net', null, 'xml', view('2'), cache.epoch);
    cache.set(HUB_DOCUMENT, null, 'xml', view('h'), cache.epoch);
    bus.emit(memberChangeKey('b.example.org'));
    expect(cache.get('b.example.org', null, 'xml')).toBeUndefined();
    expect(cache.get(HUB_DOCUMENT, null, 'xml')).toBeUndefined();
    expect(cache.get('c.example.net', null, 'xml')?.ver).toBe('2');
  });

  it('should drop everything when notifications may have been missed', () => {
    cache.set('c.example.net', null, 'xml', view('2'), cache.epoch);
    bus.emit(ALL_CHANGED);
    expect(cache.get('c.example.net', null, 'xml')).toBeUndefined();
  });

  it('should not store a view computed across an invalidation', () => {
    const startedAt = cache.epoch;
    bus.emit(memberChangeKey('b.example.org'));
    cache.set('b.example.org', null, 'xml', view('stale'), startedAt);
    expect(cache.get('b.example.org', null, 'xml')).toBeUndefined();
  });
});
