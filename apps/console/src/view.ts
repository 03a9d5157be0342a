import type { SignedInOperator } from './api-types.js';

/** What every page gets: the signed-in operator (the API refuses an auditor's changes; the page just does not offer them). */
export interface ViewContext {
  operator: SignedInOperator;
  isAdmin: boolean;
}

/** A page: fills `root` (which holds its heading) from the admin API. */
export type View = (root: HTMLElement, context: ViewContext) => Promise<void>;
