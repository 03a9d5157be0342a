import net from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { operatorAuth, testConfig } from '@app/testing';
import { startTestHub, TestHub } from './test-hub.js';

/** Sends raw bytes and collects the whole answer until the server closes or the answer is complete. */
function rawExchange(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(payload));
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      const head = data.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(data.slice(0, head));
      if (head !== -1 && length && data.length >= head + 4 + Number(length[1])) socket.destroy();
    });
    socket.on('close', () => resolve(data));
    socket.on('error', (error) => (data ? resolve(data) : reject(error)));
  });
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { status: number; type: string };

describe('errors answered below Nest (e2e)', () => {
  let hub: TestHub;
  let port: number;
  const http = () => request(hub.app.getHttpServer());

  beforeAll(async () => {
    hub = await startTestHub(testConfig());
    await hub.app.listen(0, '127.0.0.1');
    port = (hub.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => hub.close());

  it('should answer headers too large with 431 problem+json', async () => {
    const answer = await rawExchange(port, `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    expect(statusOf(answer)).toBe(431);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(bodyOf(answer)).toMatchObject({ status: 431 });
  });

  it('should answer two different Content-Length headers with 400 problem+json', async () => {
    const answer = await rawExchange(
      port,
      'POST /v1/applications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}',
    );
    expect(statusOf(answer)).toBe(400);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(bodyOf(answer)).toMatchObject({ status: 400 });
  });

  it('should answer a malformed URL and an over-long path parameter with problem+json', async () => {
    const bad = await http().get('/admin/v1/members/%ff').set(operatorAuth);
    expect({ status: bad.status, type: bad.headers['content-type'] }).toEqual({
      status: 400,
      type: expect.stringMatching(/problem\+json/),
    });
    const long = await http()
      .get(`/admin/v1/members/${'x'.repeat(3000)}`)
      .set(operatorAuth);
    expect({ status: long.status, type: long.headers['content-type'] }).toEqual({
      status: 414,
      type: expect.stringMatching(/problem\+json/),
    });
  });

  it('should answer an unknown route, a body too large and malformed JSON with problem+json', async () => {
    const unknown = await http().get('/no/such/route');
    expect({ status: unknown.status, type: unknown.headers['content-type'] }).toEqual({
      status: 404,
      type: expect.stringMatching(/problem\+json/),
    });
    const large = await http()
      .post('/v1/applications')
      .set('Content-Type', 'application/json')
      .send(`"${'x'.repeat(2 * 1024 * 1024)}"`);
    expect({ status: large.status, type: large.headers['content-type'] }).toEqual({
      status: 413,
      type: expect.stringMatching(/problem\+json/),
    });
    const malformed = await http().post('/v1/applications').set('Content-Type', 'application/json').send('{"domain":');
    expect({ status: malformed.status, type: malformed.headers['content-type'] }).toEqual({
      status: 400,
      type: expect.stringMatching(/problem\+json/),
    });
  });
});
