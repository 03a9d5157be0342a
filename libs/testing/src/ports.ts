import { readFileSync } from 'node:fs';
import net from 'node:net';

const LOWEST = 10_000;
const handedOut = new Set<number>();

/** The first port of the kernel's ephemeral range: what `listen(0)` and outgoing connections use. */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > LOWEST + 1000) return low;
  } catch {
    // not Linux: assume the usual default
  }
  return 32_768;
}

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A free port for a child process to listen on later, never the same twice in one suite. Picking
 * with `listen(0)` and closing is not enough: the kernel can hand the port just closed out again to
 * the next pick (two children then share one port, and a health check reaches the wrong one), and
 * any process can take a port of the ephemeral range before the child binds it. These come from
 * below that range, from a random starting point.
 */
export async function childPort(): Promise<number> {
  const low = ephemeralLow();
  const size = low - LOWEST;
  const start = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i++) {
    const port = LOWEST + ((start + i) % size);
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port in ${LOWEST}-${low - 1}`);
}
