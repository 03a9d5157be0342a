import type { Dispatcher } from 'undici';
import { ResponseTooLargeError } from './outbound-errors.js';

export interface CappedAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Why an exchange failed, and whether the receiver had answered (a status line) by then. */
export class ExchangeFailure extends Error {
  constructor(
    readonly error: unknown,
    /** the answer's status, if its head had arrived */
    readonly status: number | undefined,
  ) {
    super('exchange failed', { cause: error });
  }
}

/**
 * One request's undici handler: collects the answer's body up to `limit` bytes (more aborts the
 * connection with ResponseTooLargeError) and aborts the exchange at its deadline (a TimeoutError,
 * as AbortSignal.timeout gives). It settles once: with the answer, or with an ExchangeFailure.
 * A handler of its own, rather than `request` with a signal, spares each request a response
 * stream, an abort signal and its listeners: the answers the hub gets are mostly empty.
 */
export class CappedExchange implements Dispatcher.DispatchHandler {
  readonly done: Promise<CappedAnswer>;
  private resolve!: (answer: CappedAnswer) => void;
  private reject!: (failure: ExchangeFailure) => void;
  private controller: Dispatcher.DispatchController | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private abortReason: Error | undefined;
  private settled = false;
  private status: number | undefined;
  private headers: CappedAnswer['headers'] = {};
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly limit: number,
    timeoutMs: number | undefined,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (timeoutMs) {
      this.deadline = setTimeout(
        () => this.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
        timeoutMs,
      );
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason) controller.abort(this.abortReason);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    // 1xx answers are interim: the final one follows
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.size += chunk.length;
    if (this.size > this.limit) this.abort(new ResponseTooLargeError(this.status ?? 0, this.limit));
    else this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    // ended with no final answer (only interim ones): a failure, never an exchange left unsettled
    if (this.status === undefined) return this.fail(new Error('the response ended without a final status'));
    this.finish();
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.resolve({ status: this.status, headers: this.headers, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** Ends the exchange now: the connection is dropped and the caller gets `reason`. */
  private abort(reason: Error): void {
    if (this.settled) return;
    this.abortReason = reason;
    this.fail(reason);
    this.controller?.abort(reason);
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.finish();
    this.reject(new ExchangeFailure(error, this.status));
  }

  private finish(): void {
    this.settled = true;
    clearTimeout(this.deadline);
  }
}
