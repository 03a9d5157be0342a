// A minimal SIP user agent client for the demo: one OPTIONS request over UDP (RFC 3261 §11), with
// the retransmissions of a non-INVITE transaction (timer E from 500 ms, doubling up to 4 s), and
// the response parsed into status, headers and body.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

const T1_MS = 500;
const T2_MS = 4000;
/** timer F: give up after 64*T1 */
const TIMEOUT_MS = 64 * T1_MS;

/**
 * Sends `OPTIONS sip:<target>` to host:port and resolves with the final response:
 * `{ status, reason, headers (lower-case names → values), body (Buffer) }`.
 */
export function sipOptions({ host, port, target }) {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const branch = `z9hG4bK${randomBytes(8).toString('hex')}`;
  const callId = `${randomBytes(8).toString('hex')}@demo.invalid`;
  return new Promise((resolve, reject) => {
    const timers = [];
    const finish = (error, response) => {
      for (const t of timers) clearTimeout(t);
      socket.close();
      if (error) reject(error);
      else resolve(response);
    };
    socket.on('error', (error) => finish(error));
    socket.on('message', (datagram) => {
      const response = parseResponse(datagram);
      // provisional responses (1xx) keep the transaction going; another transaction's answer is not ours
      if (!response || response.status < 200 || !response.headers.via?.includes(branch)) return;
      finish(undefined, response);
    });
    socket.bind(0, host, () => {
      const { port: localPort } = socket.address();
      const hostPart = host.includes(':') ? `[${host}]` : host;
      const request = [
        `OPTIONS sip:${target} SIP/2.0`,
        `Via: SIP/2.0/UDP ${hostPart}:${localPort};branch=${branch};rport`,
        'Max-Forwards: 70',
        `From: <sip:demo@${hostPart}>;tag=${randomBytes(4).toString('hex')}`,
        `To: <sip:${target}>`,
        `Call-ID: ${callId}`,
        'CSeq: 1 OPTIONS',
        'Accept: application/pres-im-provisioning+xml',
        'User-Agent: clearing-house-demo',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      let interval = T1_MS;
      const send = () => {
        socket.send(request, port, host);
        timers.push(setTimeout(send, interval));
        interval = Math.min(interval * 2, T2_MS);
      };
      send();
      timers.push(
        setTimeout(() => finish(new Error(`no answer to SIP OPTIONS from ${host}:${port} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS),
      );
    });
  });
}

/** A SIP response as `{ status, reason, headers, body }`, or undefined for anything else. */
function parseResponse(datagram) {
  const end = datagram.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = datagram.subarray(0, end).toString('utf8').split('\r\n');
  const status = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(statusLine);
  if (!status) return undefined;
  const headers = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(status[1]), reason: status[2], headers, body: datagram.subarray(end + 4) };
}
