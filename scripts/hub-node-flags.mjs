// The V8 flags the hub process runs with, wherever it is started: `npm start` (scripts/start.mjs),
// `npm run start:hub`, the Docker image's default command and the benchmarks. The Dockerfile and
// package.json cannot import this file; apps/hub/src/hub-node-flags.spec.ts keeps them equal to it.
//
// Why (docs/operations.md, "Runtime flags"; measured in docs/benchmarks.md): with a federation
// of 1,000 members the hub keeps ~60 MiB of long-lived state (caches, directory snapshot), and
// V8's defaults size the young generation for small heaps: a scavenge every few hundred requests,
// each paying for that state, and after an idle minute the memory reducer shrinks the heap so
// that the next burst runs on a smaller young generation again. A fixed 16–32 MiB semi-space and
// no memory reducer keep the hot path's garbage in a young generation that is rarely collected,
// for about 80 MiB more resident memory.
// Under steady message-log ingest a little survives every scavenge (batches in flight), and V8
// kept the old generation's limit at ~1.2× the live heap: a mark-compact every 3–5 s, each
// pausing the hub's only thread for 10–25 ms, the tail of the small-batch latency. An initial
// old-generation size of 512 MiB is kept as the floor of that limit after every mark-compact:
// one every few minutes instead, for up to ~450 MiB more resident memory between them.
export const HUB_NODE_FLAGS = Object.freeze([
  '--min-semi-space-size=16',
  '--max-semi-space-size=32',
  '--no-memory-reducer',
  '--initial-old-space-size=512',
]);
