// The demo's chat gateways: one small HTTP server per Peer Network on 127.0.0.1, standing in for the
// network's server that takes the events of hub-hosted rooms (docs/chat.md). Each records what the
// hub pushed, checks the body against its Content-Digest (RFC 9530) and notes the key id of the hub's
// signature (RFC 9421 Signature-Input), and answers 204; a repeated delivery id is kept only once, as
// a real gateway would drop it.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

/** Starts a gateway for `network` on a free port; `url` is what its provisioning document declares. */
export async function startGateway(network) {
  const deliveries = [];
  const seen = new Set();
  const problems = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const digest = /sha-256=:([^:]+):/.exec(String(req.headers['content-digest'] ?? ''))?.[1];
      const keyid = /keyid="([^"]+)"/.exec(String(req.headers['signature-input'] ?? ''))?.[1];
      let delivery;
      try {
        delivery = JSON.parse(body.toString('utf8'));
      } catch {
        delivery = undefined;
      }
      if (!delivery?.deliveryId || digest !== createHash('sha256').update(body).digest('base64')) {
        problems.push(`${req.method} ${req.url}: not a chat delivery with a matching Content-Digest`);
        res.writeHead(400).end();
        return;
      }
      if (!seen.has(delivery.deliveryId)) {
        seen.add(delivery.deliveryId);
        deliveries.push({ ...delivery, keyid, signed: Boolean(req.headers.signature && keyid) });
      }
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    network,
    url: `http://127.0.0.1:${port}/chat/events`,
    /** every distinct delivery, in arrival order */
    deliveries,
    problems,
    /** the bodies of the room messages received for `roomId`, in arrival order */
    messages: (roomId) =>
      deliveries.filter((d) => d.roomId === roomId && d.event.kind === 'message').map((d) => d.event.content.body),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
