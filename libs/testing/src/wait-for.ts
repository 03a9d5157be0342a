/**
 * Polls until `probe` returns a truthy value or the deadline passes (for asynchronous effects such
 * as queued jobs). The deadline is generous because it only matters when the effect is late: on a
 * machine busy with other work a queued job can take many seconds, and a passing test returns as
 * soon as the effect is seen.
 */
export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}
