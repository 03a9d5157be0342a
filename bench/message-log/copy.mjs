// The benchmark's COPY writes, shared by the load generator (the copy and copy-keys arms) and the
// relay (the floor arm). They write the way the hub's libs/db message-log.repository does (one
// end(), then the stream's 'finish'); the bench scripts do not import the hub's dist.
import { finished } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import { COPY_COLUMNS } from './records.mjs';

const LOG_COPY = `COPY message_log (${COPY_COLUMNS.join(', ')}) FROM STDIN`;
const KEYS_COPY = 'COPY message_log_keys (origin, message_id, ts, seq) FROM STDIN';

function copyInto(client, sql, bytes) {
  const stream = client.query(copyStreams.from(sql));
  const done = finished(stream);
  stream.end(bytes);
  return done;
}

/** One COPY of a batch's rows into message_log: one transaction, like one acknowledged batch. */
export const copyLog = (client, rows) => copyInto(client, LOG_COPY, rows);

/** A batch's keys and rows in one transaction (BEGIN, COPY keys, COPY log, COMMIT), rolled back on failure. */
export async function copyKeysAndLog(client, { keys, rows }) {
  await client.query('BEGIN');
  try {
    await copyInto(client, KEYS_COPY, keys);
    await copyInto(client, LOG_COPY, rows);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
