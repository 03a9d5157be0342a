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
export const HUB_NODE_FLAGS = Object.freeze(['--min-semi-space-size=16', '--max-semi-space-size=32', '--no-memory-reducer']);
