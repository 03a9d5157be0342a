// Record generation shared by the load process (load.mjs): the same records, either as the JSON
// bodies a member POSTs to /v1/message-log, or as the rows the hub would store for them in
// COPY text format (same columns: tags, digests, chain links, batch id…), for the raw COPY
// baseline. Everything is computed before the clock starts.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export const originDomain = (i) => `o${String(i).padStart(2, '0')}.bench.example`;
export const recipientDomain = (i) => `r${String(i).padStart(2, '0')}.bench.example`;

const WORDS = (
  'the a to and of in is you that it for on are with be this have at not your we can will just do ' +
  'meeting tomorrow office call later thanks sure ok great sounds good see lunch today project ' +
  'update review please send file link morning afternoon evening weekend flight hotel dinner'
).split(' ');
const GENESIS = '0'.repeat(64);
const CHAIN_ENTRY_VERSION = 'pim-log-1';

/** A small deterministic PRNG (mulberry32), so every round generates the same mix. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sha256 = (s) => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * `batches` batches of `batchSize` records; batch b belongs to origin b % origins. Records are
 * already in the hub's normal form (lower-case hosts, no resources), so the rows the baseline
 * writes are the rows the hub writes. Mix: 80 % outbound / 20 % inbound; 10 % with 2–3
 * recipients; 20 % logged by digest only; sip: and xmpp: addresses; bodies of about 100 bytes.
 */
export function generateBatches({ batches, batchSize, origins, recipients, runTag, seed = 1, prefix, now = Date.now() }) {
  const rnd = prng(seed);
  const pick = (n) => Math.floor(rnd() * n);
  const out = [];
  // a prefix and a clock of its own make the run's ids unique; given both, two processes
  // generate the same batches (the relay arm)
  prefix ??= `${runTag}-${randomBytes(4).toString('hex')}`;
  for (let b = 0; b < batches; b++) {
    const o = b % origins;
    const origin = originDomain(o);
    const records = [];
    for (let k = 0; k < batchSize; k++) {
      const scheme = rnd() < 0.5 ? 'sip' : 'xmpp';
      const local = `${scheme}:user${pick(5000)}@${origin}`;
      const nRecipients = rnd() < 0.1 ? 2 + pick(2) : 1;
      const remote = [];
      for (let r = 0; r < nRecipients; r++) remote.push(`${scheme}:user${pick(5000)}@${recipientDomain(pick(recipients))}`);
      const inbound = rnd() < 0.2;
      let body = '';
      while (body.length < 90) body += `${WORDS[pick(WORDS.length)]} `;
      body += `#${b}.${k}`;
      const byDigest = rnd() < 0.2;
      records.push({
        messageId: `${prefix}-${b}-${k}@${origin}`,
        origin,
        // inbound: a remote user wrote to one of the origin's users
        sender: inbound ? remote[0] : local,
        recipients: inbound ? [local] : remote,
        // a few ms apart, all "now"
        timestamp: new Date(now + b).toISOString(),
        direction: inbound ? 'inbound' : 'outbound',
        contentType: 'text/plain',
        ...(byDigest ? { bodySha256: sha256(body) } : { body }),
      });
    }
    out.push({ origin: o, records });
  }
  return out;
}

/** The request body of a batch (a JSON array, as most members would send it). */
export const jsonBody = (batch) => Buffer.from(JSON.stringify(batch.records));

const hostOf = (uri) => uri.slice(uri.lastIndexOf('@') + 1);

/** The tags the hub computes (record-authorization.ts), in the same order. */
function tagsOf(r) {
  const senderNet = hostOf(r.sender);
  const targetNets = r.recipients.map(hostOf);
  const tags = new Set([`n:${r.origin}`, `n:${senderNet}`, ...targetNets.map((n) => `n:${n}`)]);
  tags.add(`u:${r.sender}`);
  for (const u of r.recipients) tags.add(`u:${u}`);
  return [...tags];
}

// COPY text format: backslash, tab, newline and carriage return escaped
const copyText = (s) =>
  /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
// a text[] literal with every element quoted, then escaped for COPY
const copyArray = (xs) => copyText(`{${xs.map((x) => `"${x.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`);
const copyBytea = (hex) => `\\\\x${hex}`;

export const COPY_COLUMNS = [
  'ts',
  'origin',
  'seq',
  'message_id',
  'direction',
  'sender',
  'recipients',
  'room',
  'content_type',
  'body',
  'body_sha256',
  'tags',
  'prev_hash',
  'chain_hash',
  'batch_id',
];

/**
 * The rows the hub would store for these batches, one COPY text chunk per batch, with the chain
 * of each origin continued across the batches in order (as the hub does; with concurrent
 * batches of different origins the order within one origin is the same).
 */
export function copyChunks(batches) {
  const heads = new Map();
  return batches.map((batch) => {
    const origin = batch.records[0].origin;
    let head = heads.get(origin) ?? { seq: 0, hash: GENESIS };
    const batchId = randomUUID();
    const lines = [];
    for (const r of batch.records) {
      const ts = new Date(r.timestamp).toISOString();
      const bodySha256 = r.body !== undefined ? sha256(r.body) : r.bodySha256;
      const canonical = JSON.stringify([
        CHAIN_ENTRY_VERSION,
        r.origin,
        r.messageId,
        ts,
        r.direction,
        r.sender,
        r.recipients,
        null,
        r.contentType,
        bodySha256,
      ]);
      const chainHash = sha256(head.hash + canonical);
      const seq = head.seq + 1;
      lines.push(
        [
          ts,
          r.origin,
          String(seq),
          copyText(r.messageId),
          r.direction,
          copyText(r.sender),
          copyArray(r.recipients),
          '\\N',
          r.contentType,
          r.body === undefined ? '\\N' : copyText(r.body),
          copyBytea(bodySha256),
          copyArray(tagsOf(r)),
          copyBytea(head.hash),
          copyBytea(chainHash),
          batchId,
        ].join('\t'),
      );
      head = { seq, hash: chainHash };
    }
    heads.set(origin, head);
    return Buffer.from(`${lines.join('\n')}\n`);
  });
}

/** The idempotency keys the hub writes next to each row (origin, message id, ts, seq), as COPY text. */
export function keyRows(rows) {
  // columns of the COPY text: ts(0) origin(1) seq(2) message_id(3) …
  const lines = rows.toString().split('\n');
  const out = [];
  for (const line of lines) {
    if (!line) continue;
    const f = line.split('\t', 4);
    out.push(`${f[1]}\t${f[3]}\t${f[0]}\t${f[2]}`);
  }
  return Buffer.from(`${out.join('\n')}\n`);
}

/** What the hub should have stored for a record (to check a sample of its rows). */
export function expectedRow(r) {
  return {
    sender: r.sender,
    recipients: r.recipients,
    tags: tagsOf(r),
    body: r.body ?? null,
    bodySha256: r.body !== undefined ? sha256(r.body) : r.bodySha256,
  };
}
