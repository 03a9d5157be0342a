import { randomUUID } from 'node:crypto';
import { LiAdministrators } from '@app/li';
import {
  childPort,
  compiledAppEnv,
  ensureCompiled,
  startCompiled,
  TEST_OPERATOR_TOKEN,
  testConfig,
  waitFor,
  type CompiledApp,
} from '@app/testing';
import { destinationDetails, LI_TOKEN_LEA, liEnv, taskDetails, x1Message, x1Request } from './li-fixtures.js';
import { startTestHub, type TestHub } from './test-hub.js';

interface LogRecord {
  msg?: string;
  req?: { url?: string; method?: string };
  res?: { statusCode?: number };
  reqId?: string;
}

/** The compiled hub at debug level: what its normal log shows of LI (run `npm run build` after changing the hub). */
describe('LI and the process log (e2e)', () => {
  const config = testConfig(liEnv());
  let setup: TestHub;
  let compiled: CompiledApp | undefined;
  let url: string;

  beforeAll(async () => {
    ensureCompiled();
    setup = await startTestHub(config);
    await setup.reset();
    await setup.app.get(LiAdministrators).ensureBootstrapAdministrators();
    const port = await childPort();
    const li = liEnv();
    compiled = startCompiled(
      'hub',
      compiledAppEnv(config, {
        HUB_PORT: String(port),
        HUB_LOG_LEVEL: 'debug',
        LI_SECRET_KEY: li.LI_SECRET_KEY,
        LI_ADMINISTRATORS: li.LI_ADMINISTRATORS,
        OUTBOUND_ALLOW_LOOPBACK: 'true',
      }),
    );
    url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/health/ready`).catch(() => undefined))?.ok === true, 60_000, 100);
  }, 120_000);
  afterAll(async () => {
    await compiled?.kill('SIGTERM');
    await setup?.close();
  });

  const post = (path: string, token: string, body: string) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/xml' },
      body,
    });

  it('should log no target, destination, warrant or LI token, and log a probe of /li like an unknown route', async () => {
    const did = randomUUID();
    const secrets = ['secret-target', 'agency-secret.example', 'WARRANT-SECRET-42', LI_TOKEN_LEA];
    const tasked = await post(
      '/li/x1',
      LI_TOKEN_LEA,
      x1Request(
        x1Message('CreateDestinationRequest', destinationDetails(did, 'https://agency-secret.example/x2')),
        x1Message(
          'ActivateTaskRequest',
          taskDetails({ xid: randomUUID(), users: ['sip:secret-target@a.example'], dids: [did], warrant: 'WARRANT-SECRET-42' }),
        ),
        // refused (unknown destination): the refusal quotes input, and must stay out of the log too
        x1Message(
          'ActivateTaskRequest',
          taskDetails({ xid: randomUUID(), users: ['sip:secret-target@a.example'], dids: [randomUUID()] }),
        ),
      ),
    );
    expect(tasked.status).toBe(200);
    expect((await post('/li/x1', TEST_OPERATOR_TOKEN, '<X1Request/>')).status).toBe(404);
    expect((await post('/no/such/route', TEST_OPERATOR_TOKEN, '<X1Request/>')).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const output = compiled?.output() ?? '';
    for (const secret of secrets) expect(output).not.toContain(secret);
    const records = output
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as LogRecord);
    const linesOf = (path: string) => {
      const ids = new Set(records.filter((r) => r.req?.url === path).map((r) => r.reqId));
      return records.filter((r) => ids.has(r.reqId));
    };
    const shape = (lines: LogRecord[]) => lines.map((r) => [r.msg, r.req?.method, r.res?.statusCode]);
    const liLines = linesOf('/li/x1');
    const unknownLines = linesOf('/no/such/route');
    // the administrator's request: its "incoming request" line only; the operator's probe: the same two lines as the unknown route
    expect(shape(liLines)).toEqual([['incoming request', 'POST', undefined], ...shape(unknownLines)]);
    expect(shape(unknownLines)).toEqual([
      ['incoming request', 'POST', undefined],
      ['request completed', undefined, 404],
    ]);
  });
});
