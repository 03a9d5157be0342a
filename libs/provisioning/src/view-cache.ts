import { Injectable } from '@nestjs/common';
import { ALL_CHANGED, ChangeBus } from '@app/db';
import { POLICY_CHANGE_KEY } from '@app/interconnect';

export type ViewFormat = 'xml' | 'json';

export interface RenderedView {
  body: Buffer;
  /** ver of exactly these bytes' content, used as the ETag */
  ver: string;
  etag: string;
}

const MAX_ENTRIES = 50_000;
/** Key of the hub's own document, which lists every member and so changes with any of them. */
export const HUB_DOCUMENT = '';

/**
 * Rendered per-requestor views, so that serving a cached view costs no database query and no
 * XML building. Entries are grouped by the member they show and dropped on every change of that
 * member announced on the ChangeBus (publish, override, status), in every process.
 */
@Injectable()
export class ViewCache {
  /** domain shown → requestor ('' when anonymous) → views by format: no key is built per lookup */
  private readonly byDomain = new Map<string, Map<string, ViewsByFormat>>();
  private size = 0;
  /** Bumped on every invalidation: a view computed across an invalidation is not stored. */
  private epochValue = 0;

  constructor(changes: ChangeBus) {
    changes.subscribe((key) => this.invalidate(key));
  }

  get(domain: string, requestor: string | null, format: ViewFormat): RenderedView | undefined {
    return this.byDomain.get(domain)?.get(requestor ?? ANONYMOUS)?.[format];
  }

  get epoch(): number {
    return this.epochValue;
  }

  /** Stores a view computed when `epoch` was `startedAt`, unless something changed since. */
  set(domain: string, requestor: string | null, format: ViewFormat, view: RenderedView, startedAt: number): void {
    if (startedAt !== this.epochValue) return;
    if (this.size >= MAX_ENTRIES) this.clear();
    let byRequestor = this.byDomain.get(domain);
    if (!byRequestor) this.byDomain.set(domain, (byRequestor = new Map()));
    let views = byRequestor.get(requestor ?? ANONYMOUS);
    if (!views) byRequestor.set(requestor ?? ANONYMOUS, (views = {}));
    if (!views[format]) this.size++;
    views[format] = view;
  }

  private invalidate(key: string): void {
    this.epochValue++;
    // policy changes (mode, agreements, blocks) can change who sees anything
    if (key === ALL_CHANGED || key === POLICY_CHANGE_KEY) return this.clear();
    if (!key.startsWith('member:')) return;
    this.drop(key.slice('member:'.length));
    this.drop(HUB_DOCUMENT);
  }

  private drop(domain: string): void {
    const byRequestor = this.byDomain.get(domain);
    if (!byRequestor) return;
    for (const views of byRequestor.values()) this.size -= Object.keys(views).length;
    this.byDomain.delete(domain);
  }

  private clear(): void {
    this.byDomain.clear();
    this.size = 0;
  }
}

type ViewsByFormat = Partial<Record<ViewFormat, RenderedView>>;
/** Requestor key of anonymous views: no domain name is empty. */
const ANONYMOUS = '';
