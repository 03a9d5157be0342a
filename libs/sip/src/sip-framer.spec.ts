import { SipFramingError, SipStreamFramer, type SipFrame } from './sip-framer.js';

function message(id: number, body = ''): string {
  return [
    'OPTIONS sip:hub.example.net SIP/2.0',
    `Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK${id}`,
    'From: <sip:a@a.example>;tag=1',
    'To: <sip:hub.example.net>',
    `Call-ID: call-${id}`,
    `CSeq: ${id} OPTIONS`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

function messages(frames: SipFrame[]): string[] {
  return frames.flatMap((f) => (f.type === 'message' ? [f.data.toString()] : []));
}

function errorOf(frames: SipFrame[]): SipFramingError | undefined {
  const last = frames[frames.length - 1];
  return last?.type === 'error' ? last.error : undefined;
}

describe(SipStreamFramer.name, () => {
  it('should return a message received in one chunk', () => {
    const framer = new SipStreamFramer();

    expect(messages(framer.push(Buffer.from(message(1))))).toEqual([message(1)]);
  });

  it('should return several messages received in one chunk', () => {
    const framer = new SipStreamFramer();

    const frames = framer.push(Buffer.from(message(1) + message(2, 'body') + message(3)));

    expect(messages(frames)).toEqual([message(1), message(2, 'body'), message(3)]);
  });

  it('should reassemble a message split across chunks', () => {
    const framer = new SipStreamFramer();
    const text = message(1, 'some body');

    const first = framer.push(Buffer.from(text.slice(0, 40)));
    const second = framer.push(Buffer.from(text.slice(40, text.length - 3)));
    const third = framer.push(Buffer.from(text.slice(text.length - 3)));

    expect([first, second, messages(third)]).toEqual([[], [], [text]]);
  });

  it('should reassemble messages delivered one byte at a time', () => {
    const framer = new SipStreamFramer();
    const bytes = Buffer.from(message(1, 'é') + message(2));
    const frames: SipFrame[] = [];

    for (const byte of bytes) {
      frames.push(...framer.push(Buffer.from([byte])));
    }

    expect(messages(frames)).toEqual([message(1, 'é'), message(2)]);
  });

  it('should keep a partial next message buffered', () => {
    const framer = new SipStreamFramer();
    const second = message(2);

    framer.push(Buffer.from(message(1) + second.slice(0, 10)));

    expect(framer.bufferedBytes).toBe(10);
  });

  it('should frame the body by a compact Content-Length', () => {
    const framer = new SipStreamFramer();
    const text = message(1).replace('Content-Length: 0', 'l: 3') + 'abc';

    expect(messages(framer.push(Buffer.from(text + message(2))))).toEqual([text, message(2)]);
  });

  it('should treat a missing Content-Length as an empty body', () => {
    const framer = new SipStreamFramer();
    const text = message(1).replace('Content-Length: 0\r\n', '');

    expect(messages(framer.push(Buffer.from(text + message(2))))).toEqual([text, message(2)]);
  });

  it('should report a CRLFCRLF ping as a keep-alive frame', () => {
    const framer = new SipStreamFramer();

    expect(framer.push(Buffer.from('\r\n\r\n'))).toEqual([{ type: 'keepalive' }]);
  });

  it('should recognise a ping split across chunks', () => {
    const framer = new SipStreamFramer();

    const first = framer.push(Buffer.from('\r\n'));
    const second = framer.push(Buffer.from('\r\n'));

    expect([first, second]).toEqual([[], [{ type: 'keepalive' }]]);
  });

  it('should skip a single CRLF between messages', () => {
    const framer = new SipStreamFramer();

    expect(messages(framer.push(Buffer.from(`${message(1)}\r\n${message(2)}`)))).toEqual([message(1), message(2)]);
  });

  it('should fail with 513 and the header section when Content-Length exceeds the limit', () => {
    const framer = new SipStreamFramer({ maxMessageBytes: 1024 });

    const error = errorOf(framer.push(Buffer.from(message(1).replace('Content-Length: 0', 'Content-Length: 5000'))));

    expect(error).toMatchObject({ statusCode: 513 });
    expect(error?.head?.toString()).toContain('Call-ID: call-1');
  });

  it('should fail with 513 and no header section when headers exceed the limit', () => {
    const framer = new SipStreamFramer({ maxMessageBytes: 1024 });

    const error = errorOf(framer.push(Buffer.from(`OPTIONS sip:x SIP/2.0\r\nX-Long: ${'a'.repeat(2000)}`)));

    expect(error).toMatchObject({ statusCode: 513, head: null });
  });

  it('should fail with 400 on an invalid Content-Length', () => {
    const framer = new SipStreamFramer();

    const error = errorOf(framer.push(Buffer.from(message(1).replace('Content-Length: 0', 'Content-Length: abc'))));

    expect(error).toMatchObject({ statusCode: 400 });
  });

  it('should return the messages completed before a framing error', () => {
    const framer = new SipStreamFramer({ maxMessageBytes: 1024 });

    const frames = framer.push(Buffer.from(message(1) + message(2).replace('Content-Length: 0', 'Content-Length: 9999')));

    expect(frames.map((f) => f.type)).toEqual(['message', 'error']);
  });

  it('should keep returning the error after a failure', () => {
    const framer = new SipStreamFramer();
    framer.push(Buffer.from(message(1).replace('Content-Length: 0', 'Content-Length: x')));

    expect(framer.push(Buffer.from(message(2))).map((f) => f.type)).toEqual(['error']);
  });

  it('should accept a message of exactly the limit', () => {
    const text = message(1, 'x'.repeat(100));
    const framer = new SipStreamFramer({ maxMessageBytes: Buffer.byteLength(text) });

    expect(messages(framer.push(Buffer.from(text)))).toEqual([text]);
  });
});
