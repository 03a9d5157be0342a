import { createServer as createHttpServer, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** the body parsed as JSON, or undefined when it is not JSON */
  json: unknown;
  /** when it arrived (ms since the epoch) */
  receivedAt: number;
}

/** An answer: a status alone, or a status with header fields and a body. */
export type WebhookAnswer = number | { status: number; headers?: Record<string, string>; body?: string | Buffer };

/** Chooses the answer to each request (its position among all received ones: `index`). */
export type WebhookResponder = (request: ReceivedRequest, index: number) => WebhookAnswer | Promise<WebhookAnswer>;

export interface WebhookReceiverOptions {
  /** serve HTTPS with this certificate (e.g. issueServerCert from test-ca.ts) */
  tls?: { certPem: string; keyPem: string };
}

export interface WebhookReceiver {
  /** base URL, e.g. http://127.0.0.1:40123 (https:// with `tls`) */
  url: string;
  port: number;
  /** every request received so far, in arrival order */
  requests: ReceivedRequest[];
  /** TCP connections accepted so far */
  connections: () => number;
  close(): Promise<void>;
}

/** A real HTTP(S) server on a free 127.0.0.1 port that records what it receives, for delivery tests. */
export async function startWebhookReceiver(
  respond: WebhookResponder = () => 204,
  options: WebhookReceiverOptions = {},
): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let connections = 0;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
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
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        json,
        receivedAt: Date.now(),
      };
      const index = requests.push(request) - 1;
      void Promise.resolve()
        .then(() => respond(request, index))
        .catch((): WebhookAnswer => 500)
        .then((answer) => {
          const { status, headers, body: answerBody } = typeof answer === 'number' ? { status: answer } : answer;
          if (res.destroyed) return;
          res.writeHead(status, headers).end(answerBody);
        });
    });
  };
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, handle)
    : createHttpServer(handle);
  server.on('connection', () => connections++);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
