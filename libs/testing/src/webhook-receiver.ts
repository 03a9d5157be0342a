import { createServer, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** the body parsed as JSON, or undefined when it is not JSON */
  json: unknown;
}

/** Chooses the status of the answer to each request (its position among all received ones: `index`). */
export type WebhookResponder = (request: ReceivedRequest, index: number) => number | Promise<number>;

export interface WebhookReceiver {
  /** base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** every request received so far, in arrival order */
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on a free 127.0.0.1 port that records what it receives, for delivery tests. */
export async function startWebhookReceiver(respond: WebhookResponder = () => 204): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const request: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json };
      const index = requests.push(request) - 1;
      void Promise.resolve()
        .then(() => respond(request, index))
        .catch(() => 500)
        .then((status) => res.writeHead(status).end());
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
