import type { Dispatcher } from 'undici';
import { CappedExchange, ExchangeFailure } from './capped-exchange.js';
import { ResponseTooLargeError } from './outbound-errors.js';

/** A controller that records the reason it was aborted with. */
function controller(): Dispatcher.DispatchController & { aborted?: Error } {
  const c = {
    aborted: undefined as Error | undefined,
    abort(reason: Error) {
      c.aborted = reason;
    },
  };
  return c as unknown as Dispatcher.DispatchController & { aborted?: Error };
}

describe(CappedExchange.name, () => {
  it('should answer with the final status and the body, interim answers skipped', async () => {
    const exchange = new CappedExchange(10, undefined);
    const c = controller();
    exchange.onRequestStart(c);
    exchange.onResponseStart(c, 100, {});
    exchange.onResponseStart(c, 202, { 'x-a': '1' });
    exchange.onResponseData(c, Buffer.from('ok'));
    exchange.onResponseEnd();
    await expect(exchange.done).resolves.toEqual({ status: 202, headers: { 'x-a': '1' }, body: Buffer.from('ok') });
  });

  it('should fail, not hang, when the response ends with no final answer', async () => {
    const exchange = new CappedExchange(10, undefined);
    const c = controller();
    exchange.onRequestStart(c);
    exchange.onResponseStart(c, 103, {});
    exchange.onResponseEnd();
    const failure = await exchange.done.catch((f: unknown) => f);
    expect(failure).toBeInstanceOf(ExchangeFailure);
    expect((failure as ExchangeFailure).status).toBeUndefined();
  });

  it('should drop the connection once the body passes the limit, keeping the status', async () => {
    const exchange = new CappedExchange(3, undefined);
    const c = controller();
    exchange.onRequestStart(c);
    exchange.onResponseStart(c, 200, {});
    exchange.onResponseData(c, Buffer.from('toolong'));
    const failure = (await exchange.done.catch((f: unknown) => f)) as ExchangeFailure;
    expect(failure.error).toBeInstanceOf(ResponseTooLargeError);
    expect(failure.status).toBe(200);
    expect(c.aborted).toBe(failure.error);
  });
});
