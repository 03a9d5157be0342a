// The floor arm of the chat fan-out benchmark, as a child process: a minimal BullMQ worker that
// takes one job per delivery and POSTs its body, signed (Content-Digest + an Ed25519 HTTP Message
// Signature over the same components as the hub's), to the receiver — the least any queued, signed
// fan-out must do on this stack. No database, no policy, no ordering, no bookkeeping.
//   node floor.mjs <redisUrl> <queueName> <concurrency>
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { Worker } from 'bullmq';
import { Agent, request } from 'undici';

const [redisUrl, queueName, concurrency] = process.argv.slice(2);
const { privateKey } = generateKeyPairSync('ed25519');
const agent = new Agent({ connections: 2, keepAliveTimeout: 60_000 });

async function deliver({ url, body, key }) {
  const digest = `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
  const created = Math.floor(Date.now() / 1000);
  const params = `("@method" "@target-uri" "content-digest" "content-type" "idempotency-key");created=${created};expires=${created + 300};keyid="floor";alg="ed25519"`;
  const base = [
    `"@method": POST`,
    `"@target-uri": ${url}`,
    `"content-digest": ${digest}`,
    `"content-type": application/json`,
    `"idempotency-key": ${key}`,
    `"@signature-params": ${params}`,
  ].join('\n');
  const signature = sign(null, Buffer.from(base), privateKey).toString('base64');
  const res = await request(url, {
    method: 'POST',
    dispatcher: agent,
    body,
    headers: {
      'content-type': 'application/json',
      'content-digest': digest,
      'idempotency-key': key,
      'signature-input': `hub=${params}`,
      signature: `hub=:${signature}:`,
    },
  });
  await res.body.dump();
  if (res.statusCode >= 300) throw new Error(`answered ${res.statusCode}`);
}

const worker = new Worker(queueName, (job) => deliver(job.data), {
  connection: { url: redisUrl, maxRetriesPerRequest: null },
  concurrency: Number(concurrency),
  removeOnComplete: { count: 0 },
  removeOnFail: { count: 100 },
});
await worker.waitUntilReady();
process.send({ type: 'ready' });
process.on('disconnect', async () => {
  await worker.close();
  await agent.close();
  process.exit(0);
});
