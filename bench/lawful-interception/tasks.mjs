// Tasks and a destination for the lawful-interception benchmark, written straight into the LI
// tables: sealed and blind-indexed exactly as libs/li/src/li-sealer.ts does (AES-256-GCM with a
// key id prefix under an HKDF-derived key; HMAC-SHA256 lookups under another), so the hub's
// matcher and delivery worker read them as if X1 had created them.
import { createCipheriv, createHash, createHmac, hkdfSync, randomBytes, randomUUID } from 'node:crypto';

const derive = (secret, info) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));

export function sealer(secret) {
  const id = createHash('sha256').update(secret).digest().subarray(0, 8);
  const sealKey = derive(secret, 'li-seal');
  const indexKey = derive(secret, 'li-target-index');
  return {
    seal(value) {
      const iv = randomBytes(12);
      const header = Buffer.concat([Buffer.of(1), id, iv]);
      const cipher = createCipheriv('aes-256-gcm', sealKey, iv, { authTagLength: 16 });
      cipher.setAAD(header);
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return Buffer.concat([header, cipher.getAuthTag(), ciphertext]);
    },
    /** The blind index of a user URI already in normal form. */
    userLookup(uri) {
      return createHmac('sha256', indexKey).update(`user:${uri}`).digest();
    },
  };
}

/** Removes every task (their index rows go with them). */
export async function removeTasks(db) {
  await db.query('DELETE FROM li_tasks');
}

/**
 * With `destinationUrl`: creates the destination and returns its id. With `tasks`: that many
 * active IRI+CC tasks on `destinationId`, one user target each; the first `targets.length` of them
 * target those URIs, the others users nobody will ever see.
 */
export async function installTasks(db, secret, { destinationUrl, destinationId, tasks, targets }) {
  const s = sealer(secret);
  if (destinationUrl) {
    const did = randomUUID();
    await db.query('INSERT INTO li_destinations (did, sealed, modified_at) VALUES ($1, $2, now())', [
      did,
      s.seal({ friendlyName: 'bench agency', deliveryAddress: destinationUrl }),
    ]);
    return did;
  }
  const admin = randomUUID();
  const chunk = 1000;
  for (let from = 0; from < tasks; from += chunk) {
    const xids = [];
    const sealed = [];
    const lookups = [];
    for (let i = from; i < Math.min(tasks, from + chunk); i++) {
      const uri = i < targets.length ? targets[i] : `sip:nobody-${i}-${randomBytes(4).toString('hex')}@unknown.bench.example`;
      xids.push(randomUUID());
      sealed.push(s.seal({ targets: [{ kind: 'user', uri }], warrantReference: `BENCH-${i}` }));
      lookups.push(s.userLookup(uri));
    }
    await db.query(
      `INSERT INTO li_tasks (xid, state, delivery_type, valid_from, destination_ids, sealed, created_by, modified_at)
       SELECT x, 'active', 'iri-and-cc', now() - interval '1 day', ARRAY[$3::uuid], s, $4, now()
         FROM unnest($1::uuid[], $2::bytea[]) AS t(x, s)`,
      [xids, sealed, destinationId, admin],
    );
    await db.query(`INSERT INTO li_task_targets (lookup, xid) SELECT * FROM unnest($1::bytea[], $2::uuid[])`, [lookups, xids]);
  }
  return destinationId;
}
