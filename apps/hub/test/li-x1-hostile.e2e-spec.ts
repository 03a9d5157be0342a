import { readFileSync } from 'node:fs';
import request from 'supertest';
import { LiAdministrators } from '@app/li';
import { testConfig } from '@app/testing';
import { findSchemaPath, schemaErrorsAgainst } from '@app/xml';
import { lea, liEnv, x1Answers, x1Message, x1Request } from './li-fixtures.js';
import { startTestHub, type TestHub } from './test-hub.js';

const NS = 'urn:pres-im-clearing-house:li:x1:1';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

describe('X1 endpoint against hostile and invalid XML (e2e)', () => {
  let hub: TestHub;
  const post = (body: string | Buffer, contentType = 'application/xml') =>
    request(hub.app.getHttpServer()).post('/li/x1').set(lea).set('Content-Type', contentType).send(body);

  beforeAll(async () => {
    hub = await startTestHub(testConfig(liEnv()));
    await hub.reset();
    await hub.app.get(LiAdministrators).ensureBootstrapAdministrators();
  });
  afterAll(() => hub.close());

  const refused = async (body: string | Buffer, status: number, description: RegExp, contentType?: string) => {
    const res = await post(body, contentType);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    const [answer] = x1Answers(res.text);
    expect(answer).toMatchObject({ type: 'ErrorResponse', errorCode: 1000 });
    expect(answer.errorDescription).toMatch(description);
    return res;
  };

  it.each([
    [
      'a DTD with an internal entity',
      `<!DOCTYPE X1Request [<!ENTITY a "b">]><X1Request xmlns="${NS}"/>`,
      /<!DOCTYPE is not allowed/,
    ],
    [
      'an external entity',
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><X1Request xmlns="${NS}">&xxe;</X1Request>`,
      /<!DOCTYPE is not allowed/,
    ],
    [
      'entity expansion (billion laughs)',
      `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><X1Request xmlns="${NS}">&lol2;</X1Request>`,
      /<!DOCTYPE is not allowed/,
    ],
    ['an undeclared entity reference', `<X1Request xmlns="${NS}">&xxe;</X1Request>`, /entity reference &xxe; is not allowed/],
    ['a processing instruction', `<?xml-stylesheet href="x"?><X1Request xmlns="${NS}"/>`, /processing instruction/],
    ['deep nesting', `<X1Request xmlns="${NS}">${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</X1Request>`, /nested deeper than 12/],
    [
      'XML that is not well-formed',
      x1Request(x1Message('KeepaliveRequest')).replace('</X1Request>', ''),
      /not well-formed|valid/,
    ],
  ])('should refuse %s before parsing, with an X1 error response', async (_what, body, description) => {
    await refused(body, 400, description);
  });

  it('should refuse an oversized request with 413 without reading all of it', async () => {
    const body = x1Request(x1Message('KeepaliveRequest')).replace('</X1Request>', `<!--${'x'.repeat(70 * 1024)}--></X1Request>`);
    const res = await refused(body, 413, /larger than 65536 bytes/);
    expect(res.headers.connection).toBe('close');
  });

  it('should refuse UTF-16 and a body that is not XML', async () => {
    await refused(Buffer.from(`\ufeff${x1Request(x1Message('KeepaliveRequest'))}`, 'utf16le'), 415, /UTF-8/);
    await refused('{"a":1}', 415, /application\/xml/, 'application/json');
  });

  it.each([
    [
      'a missing x1TransactionId',
      x1Request(x1Message('KeepaliveRequest').replace(/<x1TransactionId>.*<\/x1TransactionId>/, '')),
      /x1TransactionId/,
    ],
    ['an unknown message type', x1Request(x1Message('ActivateEverythingRequest')), /ActivateEverythingRequest/],
    [
      'a delivery type outside the schema',
      x1Request(
        x1Message(
          'ActivateTaskRequest',
          '<taskDetails><xId>6f1c0e56-1a8e-4d0e-9a51-6d4c1c7b4a11</xId><targetIdentifiers><targetIdentifier><userUri>sip:a@a.example</userUri></targetIdentifier></targetIdentifiers><deliveryType>X3Only</deliveryType><listOfDIDs><dId>6f1c0e56-1a8e-4d0e-9a51-6d4c1c7b4a12</dId></listOfDIDs><warrantReference>W</warrantReference></taskDetails>',
        ),
      ),
      /deliveryType.*X3Only|X3Only.*deliveryType/,
    ],
    ['another root element', `<X1Response xmlns="${NS}" xmlns:xsi="${XSI}"/>`, /X1Response/],
  ])('should answer %s with an error response naming the problem (XSD)', async (_what, body, description) => {
    const res = await refused(body, 400, description);
    expect(x1Answers(res.text)[0].errorDescription).toMatch(/not valid against li-x1\.xsd: line \d+/);
  });

  it('should answer with documents valid against the shipped schema', async () => {
    const schema = readFileSync(findSchemaPath('li-x1.xsd'), 'utf8');
    const ok = await post(x1Request(x1Message('KeepaliveRequest'), x1Message('GetAllDetailsRequest')));
    const error = await post(`<!DOCTYPE x><X1Request xmlns="${NS}"/>`);
    expect(await schemaErrorsAgainst(ok.text, 'li-x1.xsd', schema)).toEqual([]);
    expect(await schemaErrorsAgainst(error.text, 'li-x1.xsd', schema)).toEqual([]);
  });
});
