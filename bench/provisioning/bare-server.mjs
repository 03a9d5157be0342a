// The in-run baseline (run.mjs starts it pinned to the hub's core): a bare Fastify server that
// answers GET /.well-known/pres-im-provisioning/:domain with the exact bytes and content
// headers the hub sent for the benchmarked request. No logging, auth, guards or cache lookup.
// Usage: node bare-server.mjs <spec.json>   spec: {port, bodyFile, headers: {name: value}}
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const body = readFileSync(spec.bodyFile);

// fastify is a dependency of @nestjs/platform-fastify; take the same copy the hub runs on
let Fastify;
try {
  Fastify = (await import('fastify')).default;
} catch {
  const require = createRequire(path.resolve('node_modules/@nestjs/platform-fastify/package.json'));
  Fastify = (await import(require.resolve('fastify'))).default;
}

const app = Fastify({ logger: false });
app.get('/.well-known/pres-im-provisioning/:domain', (_request, reply) => {
  reply.headers(spec.headers).send(body);
});
await app.listen({ port: spec.port, host: '127.0.0.1' });
process.stdout.write(`ready ${spec.port}\n`);

const stop = () => app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
