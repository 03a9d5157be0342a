import { CircuitOpenError } from './outbound-errors.js';

export interface CircuitOptions {
  /** consecutive failures that open the circuit */
  failures: number;
  /** how long it stays open before one probe request may go through */
  openMs: number;
}

interface CircuitState {
  failures: number;
  /** 0 while closed */
  openUntil: number;
  /** a probe request is in flight (half-open) */
  probing: boolean;
}

export type CircuitPosition = 'closed' | 'open' | 'half-open';

/**
 * One circuit per destination, in this process: after `failures` consecutive failures the
 * destination gets nothing for `openMs`; then a single probe request goes through (half-open).
 * Its success closes the circuit, its failure opens it again for another `openMs`. Requests
 * arriving while the circuit is open, or while the probe is in flight, fail at once with a
 * CircuitOpenError telling when to try again: a dead receiver costs no connection and no wait.
 */
export class CircuitBreaker {
  private readonly states = new Map<string, CircuitState>();

  constructor(
    private readonly options: CircuitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Lets a request to `destination` through (possibly as the probe), or throws CircuitOpenError. */
  admit(destination: string): void {
    const state = this.states.get(destination);
    if (!state || state.openUntil === 0) return;
    const wait = state.openUntil - this.now();
    if (wait > 0) throw new CircuitOpenError(destination, wait);
    if (state.probing) throw new CircuitOpenError(destination, this.options.openMs);
    state.probing = true;
  }

  /** The destination answered: the circuit closes and its failures are forgotten. */
  succeeded(destination: string): void {
    this.states.delete(destination);
  }

  /** The destination failed (no answer, timeout, 408, 429, 5xx). */
  failed(destination: string): void {
    const state = this.states.get(destination) ?? { failures: 0, openUntil: 0, probing: false };
    state.failures++;
    if (state.probing || state.failures >= this.options.failures) state.openUntil = this.now() + this.options.openMs;
    state.probing = false;
    this.states.set(destination, state);
  }

  /** The request ended without telling anything about the destination (e.g. refused before connecting). */
  released(destination: string): void {
    const state = this.states.get(destination);
    if (state) state.probing = false;
  }

  position(destination: string): CircuitPosition {
    const state = this.states.get(destination);
    if (!state || state.openUntil === 0) return 'closed';
    return state.openUntil > this.now() ? 'open' : 'half-open';
  }
}
