// The demo's HTTP client for the hub: every call the story makes goes through `call`, which fails
// with the hub's problem document when the answer is not the status the step expects.

export class DemoStepFailed extends Error {}

/**
 * A client for the hub at `base`. `call(method, path, { auth, body, type, accept, expect })`:
 * `auth` is a bearer token (operator or member key) or undefined, `body` an object (JSON) or a string
 * (sent with `type`), `expect` the acceptable statuses (default 2xx). Resolves with
 * `{ status, headers, text, json }`.
 */
export function hubApi(base) {
  async function call(method, path, { auth, body, type, accept, expect } = {}) {
    const headers = {};
    if (auth) headers.authorization = `Bearer ${auth}`;
    if (accept) headers.accept = accept;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] = type ?? 'application/json';
    }
    const res = await fetch(`${base}${path}`, { method, headers, body: payload, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const ok = expect ? [expect].flat().includes(res.status) : res.status >= 200 && res.status < 300;
    if (!ok) {
      const detail = json?.detail ?? json?.title ?? text.slice(0, 300);
      throw new DemoStepFailed(`${method} ${path} answered ${res.status}: ${detail}`);
    }
    return { status: res.status, headers: res.headers, text, json };
  }
  return { base, call };
}

/** Polls `probe` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function eventually(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new DemoStepFailed(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
