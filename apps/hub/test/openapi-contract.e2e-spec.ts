import request from 'supertest';
import { createActiveMember, testConfig } from '@app/testing';
import { createOfflineOpenApiDocument } from '../src/openapi-offline.js';
import { startTestHub, TestHub } from './test-hub.js';

interface Operation {
  requestBody?: { content: Record<string, { example?: unknown; examples?: Record<string, { value: unknown }> }> };
}

/** Method and path of every route Fastify serves, in OpenAPI's {param} form, from its printRoutes() tree. */
function servedRoutes(printed: string): string[] {
  const routes: string[] = [];
  const prefixes: string[] = [];
  for (const line of printed.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    const path = (depth > 0 ? prefixes[depth - 1] : '') + match[2];
    prefixes[depth] = path;
    for (const method of match[3]?.split(', ') ?? []) routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return routes;
}

/**
 * Routes with differently named parameters at one position share a router node, printed as
 * `{id}|{domain}`: each name is a spelling the route may be documented with.
 */
function spellings(route: string): string[] {
  return route
    .split('/')
    .reduce<string[]>((heads, segment) => heads.flatMap((h) => segment.split('|').map((s) => (h ? `${h}/${s}` : s))), ['']);
}

describe('OpenAPI contract (e2e)', () => {
  let hub: TestHub;
  const http = () => request(hub.app.getHttpServer());

  beforeAll(async () => {
    hub = await startTestHub(testConfig({ HUB_DOMAIN: 'clearing-house.localhost' }));
  });
  afterAll(() => hub.close());

  it('should serve at /docs/openapi.json the document that is linted offline', async () => {
    const served = await http().get('/docs/openapi.json').expect(200);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(await createOfflineOpenApiDocument())));
  });

  it('should describe every route the hub serves', async () => {
    const document = (await http().get('/docs/openapi.json').expect(200)).body as { paths: Record<string, object> };
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`)),
    );
    const printed = hub.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
    const undocumented = servedRoutes(printed).filter(
      // HEAD mirrors GET; /docs is the contract itself; under /admin/queues/ are the pinned bull-board's own
      // UI routes, JSON API and assets (docs/operations.md), its page /admin/queues is documented; a page
      // also served with a trailing slash is documented once, without it (OpenAPI paths take none)
      (route) =>
        !route.startsWith('HEAD ') &&
        !/^\w+ \/docs/.test(route) &&
        !/^\w+ \/admin\/queues(\/read-only)?(\/.+|$)/.test(route) &&
        !spellings(route.replace(/(.)\/$/, '$1')).some((r) => documented.has(r)),
    );
    expect(servedRoutes(printed).length).toBeGreaterThan(50);
    expect(undocumented).toEqual([]);
  });

  /** The body has exactly the properties the named schema component lists (top level). */
  async function expectShapeOf(body: object, component: string) {
    const document = (await http().get('/docs/openapi.json').expect(200)).body as {
      components: { schemas: Record<string, { properties: object }> };
    };
    expect(Object.keys(body).sort()).toEqual(Object.keys(document.components.schemas[component].properties).sort());
  }

  async function requestContent(method: 'put' | 'post', path: string) {
    const document = (await http().get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    return document.paths[path][method].requestBody!.content;
  }

  it('should accept the XML and JSON examples of PUT /v1/provisioning as the same document', async () => {
    await hub.reset();
    const content = await requestContent('put', '/v1/provisioning');
    const member = await createActiveMember(hub.app, 'a.example.com');
    const auth = { Authorization: `Bearer ${member.token}` };

    const xml = await http()
      .put('/v1/provisioning')
      .set(auth)
      .set('Content-Type', 'application/pres-im-provisioning+xml')
      .send(content['application/pres-im-provisioning+xml'].example as string);
    expect(xml.status).toBe(201);
    const json = await http()
      .put('/v1/provisioning')
      .set(auth)
      .send(content['application/json'].example as object);
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ created: false, ver: xml.body.ver });
    await expectShapeOf(xml.body as object, 'PublishResponse');
  });

  it('should take the JSON array, JSON object and JSON Lines examples of POST /v1/message-log as the same records', async () => {
    await hub.reset();
    const member = await createActiveMember(hub.app, 'a.example.com');
    await createActiveMember(hub.app, 'b.example.org');
    const auth = { Authorization: `Bearer ${member.token}` };
    // the example document delegates logging to the hub
    const provisioning = await requestContent('put', '/v1/provisioning');
    await http()
      .put('/v1/provisioning')
      .set(auth)
      .send(provisioning['application/json'].example as object)
      .expect(201);
    const content = await requestContent('post', '/v1/message-log');
    // the examples' timestamps must fall in the accepted window, whenever the test runs
    const now = new Date().toISOString();
    const recent = (record: object) => ({ ...record, timestamp: now });
    const examples = content['application/json'].examples!;

    const array = await http()
      .post('/v1/message-log')
      .set(auth)
      .send((examples.array.value as object[]).map(recent));
    expect(array.status).toBe(200);
    expect(array.body.counts).toEqual({ accepted: 2, duplicates: 0, rejected: 0 });
    await expectShapeOf(array.body as object, 'IngestResponse');
    const object = await http()
      .post('/v1/message-log')
      .set(auth)
      .send({ records: (examples.object.value as { records: object[] }).records.map(recent) });
    expect(object.body.counts).toEqual({ accepted: 0, duplicates: 2, rejected: 0 });
    const lines = (content['application/jsonl'].example as string)
      .trimEnd()
      .split('\n')
      .map((line) => `${JSON.stringify(recent(JSON.parse(line) as object))}\n`)
      .join('');
    const jsonl = await http().post('/v1/message-log').set(auth).set('Content-Type', 'application/jsonl').send(lines);
    expect(jsonl.body.counts).toEqual({ accepted: 0, duplicates: 2, rejected: 0 });
  });
});
