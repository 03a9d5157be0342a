import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';

import {
  buildBadRequestResponse,
  buildSipResponse,
  respondToSipRequest,
  udpResponseTarget,
  type OptionsResponderOptions,
  type SipProvisioningResolver,
  type SipRemoteInfo,
} from './options-responder.js';
import { DEFAULT_SIP_MAX_MESSAGE_BYTES, SipStreamFramer, type SipFramingError } from './sip-framer.js';
import {
  getHeader,
  parseSipMessage,
  serializeSipResponse,
  SipParseError,
  type SipRequest,
  type SipResponse,
} from './sip-message.js';

/** Minimal logger (a NestJS `Logger` fits). */
export interface SipLogger {
  warn(message: string, context?: Record<string, unknown>): void;
  debug?(message: string, context?: Record<string, unknown>): void;
}

export interface SipServerOptions {
  readonly resolver: SipProvisioningResolver;
  readonly logger?: SipLogger;
  /** Passed to the responder (Server header, Accept, Supported, tag secret…). */
  readonly responder?: Omit<OptionsResponderOptions, 'onResolverError'>;
  /** Largest message accepted, UDP datagram or TCP message (default 64 KiB). */
  readonly maxMessageBytes?: number;
  /** A TCP connection idle this long is closed (default 60 000 ms). */
  readonly tcpIdleTimeoutMs?: number;
  /** Concurrent TCP connections accepted (default 1024). */
  readonly maxTcpConnections?: number;
  /** Requests being answered at once over UDP; more are dropped (default 1024). */
  readonly maxPendingUdpRequests?: number;
}

export interface SipServerListenOptions {
  /** Address to bind (default `0.0.0.0`; an IPv6 address binds IPv6 sockets). */
  readonly host?: string;
  /** Port for both transports (default 5060). 0 picks a free port per transport. */
  readonly port?: number;
  /** Listen on UDP (default true). */
  readonly udp?: boolean;
  /** Listen on TCP (default true). */
  readonly tcp?: boolean;
}

export interface SipBoundAddress {
  readonly address: string;
  readonly port: number;
  readonly family: string;
}

export interface SipServerAddresses {
  readonly udp: SipBoundAddress | null;
  readonly tcp: SipBoundAddress | null;
}

/** Largest UDP payload over IPv4. */
const MAX_UDP_PAYLOAD = 65_507;
/** A TCP connection stops reading while this many of its messages are being answered. */
const TCP_PAUSE_THRESHOLD = 32;
const TCP_RESUME_THRESHOLD = 8;

/**
 * SIP server answering OPTIONS over UDP and TCP (RFC 3261 as a stateless UAS), using
 * {@link respondToSipRequest}. Malformed input is answered with 400 when possible, otherwise
 * dropped; responses received are ignored; nothing received can make it throw.
 */
export class SipServer {
  private readonly logger: SipLogger | undefined;
  private readonly responderOptions: OptionsResponderOptions;
  private readonly maxMessageBytes: number;
  private readonly tcpIdleTimeoutMs: number;
  private readonly maxTcpConnections: number;
  private readonly maxPendingUdpRequests: number;
  private udpSocket: UdpSocket | null = null;
  private tcpServer: Server | null = null;
  private readonly connections = new Set<Socket>();
  private pendingUdpRequests = 0;
  private started = false;
  private bound: SipServerAddresses = { udp: null, tcp: null };

  constructor(private readonly options: SipServerOptions) {
    this.logger = options.logger;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_SIP_MAX_MESSAGE_BYTES;
    this.tcpIdleTimeoutMs = options.tcpIdleTimeoutMs ?? 60_000;
    this.maxTcpConnections = options.maxTcpConnections ?? 1024;
    this.maxPendingUdpRequests = options.maxPendingUdpRequests ?? 1024;
    this.responderOptions = {
      ...options.responder,
      onResolverError: (error, request) =>
        this.warn('SIP provisioning resolver failed', {
          error: error instanceof Error ? error.message : String(error),
          requestUri: request.requestUri,
        }),
    };
  }

  /** Addresses actually bound (null for a transport not listening). */
  get addresses(): SipServerAddresses {
    return this.bound;
  }

  /** Bound UDP port, or null. */
  get udpPort(): number | null {
    return this.bound.udp?.port ?? null;
  }

  /** Bound TCP port, or null. */
  get tcpPort(): number | null {
    return this.bound.tcp?.port ?? null;
  }

  get listening(): boolean {
    return this.started;
  }

  /** Binds the requested transports. Rejects (with nothing left bound) if one cannot bind. */
  async start(listen: SipServerListenOptions = {}): Promise<SipServerAddresses> {
    if (this.started) {
      throw new Error('SipServer is already started');
    }
    const host = listen.host ?? '0.0.0.0';
    const port = listen.port ?? 5060;
    const udp = listen.udp ?? true;
    const tcp = listen.tcp ?? true;
    if (!udp && !tcp) {
      throw new Error('SipServer needs at least one of udp or tcp');
    }
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`Invalid SIP port ${port}`);
    }
    this.started = true;
    try {
      if (tcp) {
        await this.listenTcp(host, port);
      }
      if (udp) {
        await this.bindUdp(host, port);
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
    return this.bound;
  }

  /** Closes the sockets and every TCP connection. Safe to call more than once. */
  async stop(): Promise<void> {
    const closing: Promise<void>[] = [];
    const udp = this.udpSocket;
    this.udpSocket = null;
    if (udp) {
      closing.push(
        new Promise<void>((resolve) => {
          try {
            udp.close(() => resolve());
          } catch {
            resolve();
          }
        }),
      );
    }
    const tcp = this.tcpServer;
    this.tcpServer = null;
    if (tcp) {
      closing.push(new Promise<void>((resolve) => tcp.close(() => resolve())));
      for (const socket of this.connections) {
        socket.destroy();
      }
      this.connections.clear();
    }
    await Promise.all(closing);
    this.bound = { udp: null, tcp: null };
    this.started = false;
  }

  private async listenTcp(host: string, port: number): Promise<void> {
    const server = createServer({ allowHalfOpen: true }, (socket) => this.handleConnection(socket));
    server.maxConnections = this.maxTcpConnections;
    this.tcpServer = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.warn('SIP TCP server error', { error: error.message }));
    const address = server.address();
    if (address && typeof address === 'object') {
      this.bound = {
        ...this.bound,
        tcp: { address: address.address, port: address.port, family: address.family },
      };
    }
  }

  private async bindUdp(host: string, port: number): Promise<void> {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    this.udpSocket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: host, port }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (error) => this.warn('SIP UDP socket error', { error: error.message }));
    socket.on('message', (data, rinfo) => {
      this.handleDatagram(socket, data, rinfo).catch((error: unknown) =>
        this.warn('SIP UDP handling failed', { error: String(error) }),
      );
    });
    const address = socket.address();
    this.bound = {
      ...this.bound,
      udp: { address: address.address, port: address.port, family: address.family },
    };
  }

  private async handleDatagram(socket: UdpSocket, data: Buffer, rinfo: RemoteInfo): Promise<void> {
    const remote: SipRemoteInfo = {
      remoteAddress: rinfo.address,
      remotePort: rinfo.port,
      transport: 'udp',
    };
    if (/^[\r\n\t ]*$/.test(data.toString('latin1'))) {
      return; // CRLF keep-alive
    }
    if (data.length > this.maxMessageBytes) {
      this.warn('SIP datagram too large, dropped', { ...remote, bytes: data.length });
      return;
    }
    if (this.pendingUdpRequests >= this.maxPendingUdpRequests) {
      this.warn('SIP UDP overloaded, datagram dropped', { ...remote });
      return;
    }
    this.pendingUdpRequests++;
    try {
      const answer = await this.answer(data, remote);
      if (!answer || this.udpSocket !== socket) {
        return;
      }
      let bytes = serializeSipResponse(answer.response);
      if (bytes.length > MAX_UDP_PAYLOAD) {
        this.warn('SIP response too large for UDP, answering 500', {
          ...remote,
          bytes: bytes.length,
        });
        const fallback = buildSipResponse(answer.request, remote, 500, 'Server Internal Error', this.responderOptions, {
          warning: 'Response too large for UDP, retry over TCP',
        });
        if (!fallback) {
          return;
        }
        bytes = serializeSipResponse(fallback);
      }
      const target = udpResponseTarget(answer.response, remote);
      socket.send(bytes, target.port, target.address, (error) => {
        if (error) {
          this.warn('SIP UDP send failed', { ...remote, error: error.message });
        }
      });
    } finally {
      this.pendingUdpRequests--;
    }
  }

  private handleConnection(socket: Socket): void {
    this.connections.add(socket);
    const remote: SipRemoteInfo = {
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      transport: 'tcp',
    };
    const framer = new SipStreamFramer({ maxMessageBytes: this.maxMessageBytes });
    let queue: Promise<void> = Promise.resolve();
    let pending = 0;
    let closing = false;

    const enqueue = (task: () => Promise<void>): void => {
      pending++;
      if (pending >= TCP_PAUSE_THRESHOLD) {
        socket.pause();
      }
      queue = queue
        .then(task)
        .catch((error: unknown) => this.warn('SIP TCP handling failed', { ...remote, error: String(error) }))
        .then(() => {
          pending--;
          if (pending <= TCP_RESUME_THRESHOLD && !closing && socket.isPaused()) {
            socket.resume();
          }
        });
    };

    socket.setNoDelay(true);
    socket.setTimeout(this.tcpIdleTimeoutMs);
    socket.on('timeout', () => {
      this.debug('SIP TCP connection idle, closing', { ...remote });
      socket.destroy();
    });
    socket.on('error', (error) => this.debug('SIP TCP connection error', { ...remote, error: error.message }));
    socket.on('close', () => {
      closing = true;
      this.connections.delete(socket);
    });
    socket.on('end', () => {
      // the peer will send no more: answer what is queued, then close our side
      closing = true;
      enqueue(async () => {
        socket.end();
      });
    });
    socket.on('data', (chunk: Buffer) => {
      if (closing) {
        return;
      }
      for (const frame of framer.push(chunk)) {
        if (frame.type === 'keepalive') {
          enqueue(() => this.write(socket, Buffer.from('\r\n')));
        } else if (frame.type === 'message') {
          const data = frame.data;
          enqueue(async () => {
            const answer = await this.answer(data, remote);
            if (answer) {
              await this.write(socket, serializeSipResponse(answer.response));
            }
          });
        } else {
          closing = true;
          const error = frame.error;
          enqueue(async () => {
            this.warn('SIP TCP stream cannot be framed, closing', {
              ...remote,
              reason: error.message,
            });
            const response = this.framingErrorResponse(error, remote);
            if (response) {
              await this.write(socket, serializeSipResponse(response));
            }
            socket.end();
          });
          break;
        }
      }
    });
  }

  private framingErrorResponse(error: SipFramingError, remote: SipRemoteInfo): SipResponse | null {
    if (!error.head) {
      return null;
    }
    try {
      const message = parseSipMessage(error.head, { headersOnly: true });
      if (message.type !== 'request') {
        return null;
      }
      const reason = error.statusCode === 513 ? 'Message Too Large' : 'Bad Request';
      return buildSipResponse(message, remote, error.statusCode, reason, this.responderOptions, {
        warning: error.message,
      });
    } catch {
      return null;
    }
  }

  /** Parses and answers one message; null when nothing is to be sent. */
  private async answer(data: Buffer, remote: SipRemoteInfo): Promise<{ request: SipRequest; response: SipResponse } | null> {
    let message;
    try {
      message = parseSipMessage(data);
    } catch (error) {
      if (!(error instanceof SipParseError)) {
        throw error;
      }
      const response = buildBadRequestResponse(error, remote, this.responderOptions);
      this.warn(response ? 'Malformed SIP message, answering 400' : 'Malformed SIP message, dropped', {
        ...remote,
        reason: error.message,
      });
      return response && error.partial?.type === 'request' ? { request: error.partial, response } : null;
    }
    if (message.type === 'response') {
      this.debug('SIP response received, ignored', { ...remote, statusCode: message.statusCode });
      return null;
    }
    const response = await respondToSipRequest(message, remote, this.options.resolver, this.responderOptions);
    if (response && response.statusCode === 400) {
      this.warn('Invalid SIP request, answering 400', {
        ...remote,
        method: message.method,
        reason: getHeader(response, 'Warning') ?? '',
      });
    }
    return response ? { request: message, response } : null;
  }

  private write(socket: Socket, bytes: Buffer): Promise<void> {
    if (socket.destroyed || !socket.writable) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      if (socket.write(bytes)) {
        resolve();
      } else {
        socket.on('drain', done);
        socket.on('close', done);
      }
    });
  }

  private warn(message: string, context?: Record<string, unknown>): void {
    try {
      this.logger?.warn(message, context);
    } catch {
      // a failing logger must not break the server
    }
  }

  private debug(message: string, context?: Record<string, unknown>): void {
    try {
      this.logger?.debug?.(message, context);
    } catch {
      // a failing logger must not break the server
    }
  }
}
