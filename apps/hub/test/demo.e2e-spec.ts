/**
 * `npm run demo` (scripts/demo.mjs) on the embedded default, nothing configured, and against the
 * test run's PostgreSQL and Redis: it completes, and every claim of its story is what the hub's API
 * answers afterwards (the demo keeps the hub running with --keep; its facts file gives the test the
 * members' keys and the room, the story text gives the claims).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childPort, ensureCompiled, openTestDataSource, processesMentioning, within } from '@app/testing';

const ROOT = process.cwd(); // npm test runs jest from the project root
const TOKEN = `demo-e2e-operator-token-${randomBytes(12).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Demo {
  proc: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** ms from the demo saying "done" to its exit (undefined until both happened) */
  lingered(): number | undefined;
}

interface Facts {
  hubDomain: string;
  keys: Record<string, string>;
  networks: Record<string, { domain: string; user: string; ver: string; gateway: string }>;
  chat: { room: { id: string; uri: string } };
}

function runDemo(args: string[], env: NodeJS.ProcessEnv): Demo {
  const proc = spawn(process.execPath, ['scripts/demo.mjs', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let doneAt: number | undefined;
  let exitAt: number | undefined;
  const keep = (c: Buffer) => {
    out += c.toString();
    if (doneAt === undefined && out.includes('[demo] done')) doneAt = Date.now();
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.once('exit', (code, signal) => {
      exitAt = Date.now();
      r({ code, signal });
    }),
  );
  return {
    proc,
    exited,
    output: () => out,
    lingered: () => (doneAt !== undefined && exitAt !== undefined ? exitAt - doneAt : undefined),
  };
}

/** Waits for `pattern` in the demo's output; fails with the output if the demo exits first. */
async function waitForOutput(demo: Demo, pattern: RegExp, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(demo.output())) {
    if (demo.proc.exitCode !== null || Date.now() > deadline)
      throw new Error(`the demo did not get to ${pattern}:\n${demo.output()}`);
    await sleep(250);
  }
}

/** The single story line matching `pattern` (its groups), failing with the story if there is none. */
function storyLine(story: string, pattern: RegExp): RegExpMatchArray {
  const match = pattern.exec(story);
  if (!match) throw new Error(`no line ${pattern} in the story:\n${story}`);
  return match;
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('npm run demo (e2e)', () => {
  let base: string;
  const demos: Demo[] = [];

  beforeAll(() => {
    ensureCompiled();
    // as root, the embedded initdb runs as user postgres, which must traverse every ancestor
    base = mkdtempSync(join(tmpdir(), 'hub-demo-'));
    chmodSync(base, 0o755);
  }, 240_000);
  afterAll(async () => {
    for (const demo of demos.filter((d) => d.proc.exitCode === null && d.proc.signalCode === null)) {
      demo.proc.kill('SIGTERM');
      if (!(await within(demo.exited, 45_000))) demo.proc.kill('SIGKILL');
    }
    for (let i = 0; i < 100 && processesMentioning(base).length; i++) await sleep(200);
    rmSync(base, { recursive: true, force: true });
  }, 120_000);

  it('should tell, on the embedded default, a story that the API confirms, and stop cleanly when asked', async () => {
    const dataDir = join(base, 'embedded');
    const factsFile = join(base, 'facts.json');
    const hubPort = await childPort();
    const demo = runDemo(['--keep', '--data-dir', dataDir, '--facts', factsFile], {
      ...process.env,
      // nothing configured: empty rather than unset, so that a developer's .env cannot fill them in
      DATABASE_URL: '',
      REDIS_URL: '',
      HUB_PORT: String(hubPort),
      HUB_SIP_PORT: String(await childPort()),
      HUB_BOOTSTRAP_OPERATOR_TOKEN: TOKEN,
      HUB_LOG_LEVEL: 'warn',
    });
    demos.push(demo);
    await waitForOutput(demo, /\[demo\] the hub and the worker keep running/);
    const story = demo.output();
    const facts = JSON.parse(readFileSync(factsFile, 'utf8')) as Facts;
    const hub = `http://127.0.0.1:${hubPort}`;
    const get = async (path: string, auth?: string, accept = 'application/json') => {
      const res = await fetch(`${hub}${path}`, {
        headers: { accept, ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      });
      const text = await res.text();
      return {
        status: res.status,
        headers: res.headers,
        text,
        json: /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined,
      };
    };
    const op = (path: string) => get(path, TOKEN);
    const [a, b, c] = ['atlantic', 'borealis', 'cumulus'].map((k) => facts.networks[k]);
    const key = (k: string) => facts.keys[k];

    expect(story).toContain('embedded PostgreSQL in');
    expect(story).toContain("queues on BullMQ's PostgreSQL backend");
    expect(story).toContain(`${hub}/console`);

    // 1. the members, active, each with the version the story names as its current one
    const members = (await op('/admin/v1/members?limit=100')).json as { items: Array<{ domain: string; status: string }> };
    for (const [k, m] of Object.entries(facts.networks)) {
      expect(members.items.find((x) => x.domain === m.domain)?.status).toBe('active');
      const ver = storyLine(
        story,
        new RegExp(`${escape(m.domain)} .* approved \\(active\\), published provisioning version 1 ver (\\S+)`),
      )[1];
      const own = await get('/v1/provisioning', key(k), 'application/pres-im-provisioning+xml');
      expect(own.headers.get('etag')).toBe(`"${ver}"`);
    }

    // 2. agreements and the decisions the story quotes
    expect((await op('/admin/v1/federation/mode')).json.mode).toBe('agreement');
    // as Borealis sees them (after the block, Atlantic and Cumulus no longer see their agreement)
    const agreements = (await get('/v1/interconnect/agreements', key('borealis'))).json.items as Array<{
      offerer: string;
      offeree: string;
      state: string;
      services: string[];
    }>;
    for (const [peer, services] of [
      [a, 'presence, im, n-way-chat'],
      [c, 'im, n-way-chat'],
    ] as const) {
      const pair = [b.domain, peer.domain].map(escape);
      const [, listed] = storyLine(
        story,
        new RegExp(`Agreement (?:${pair[0]} ⇄ ${pair[1]}|${pair[1]} ⇄ ${pair[0]}) for ([^:]+): offered`),
      );
      expect(listed).toBe(services);
      const agreement = agreements.find((x) => [x.offerer, x.offeree].includes(peer.domain));
      expect([agreement?.state, agreement?.services.join(', ')]).toEqual(['accepted', services]);
    }
    const adminDecision = async (from: string, to: string, service: string) =>
      (await op(`/admin/v1/interconnect/decisions?requestor=${from}&peer=${to}&service=${service}`)).json as {
        allowed: boolean;
        reason: string;
      };
    expect(storyLine(story, new RegExp(`Now ${escape(a.domain)} → ${escape(b.domain)} for im: allowed \\((\\S+)\\)`))[1]).toBe(
      (await adminDecision(a.domain, b.domain, 'im')).reason,
    );
    expect(storyLine(story, new RegExp(`And ${escape(a.domain)} → ${escape(c.domain)} for im: refused \\((\\S+)\\)`))[1]).toBe(
      'service-not-in-agreement',
    );

    // 3. provisioning: the ETags per requestor, the override, the anonymous view SIP answered with
    const wellKnown = `/.well-known/pres-im-provisioning/${a.domain}`;
    const xml = 'application/pres-im-provisioning+xml';
    const fetched = (requestor: string) =>
      storyLine(
        story,
        new RegExp(`as ${escape(requestor)}: +200, for=${escape(requestor)}, dns-names ([^,\\n]+(?:, [^,\\n]+)*), ETag (\\S+)`),
      ).slice(1);
    const [borealisDns, borealisEtag] = fetched(b.domain);
    const asBorealis = await get(wellKnown, key('borealis'), xml);
    expect([borealisDns, asBorealis.headers.get('etag')]).toEqual([`borealis-peering.${a.domain}`, borealisEtag]);
    expect(asBorealis.text).toContain(`>borealis-peering.${a.domain}</dns-name>`);
    // Cumulus, without an override, was served the content anonymous callers get (the ETag names the
    // content); since its block it no longer sees Atlantic at all
    const [cumulusDns, cumulusEtag] = fetched(c.domain);
    const anonymous = await get(wellKnown, undefined, xml);
    expect(anonymous.headers.get('etag')).toBe(cumulusEtag);
    for (const name of cumulusDns.split(', ')) expect(anonymous.text).toContain(`>${name}</dns-name>`);
    expect((await get(wellKnown, key('cumulus'), xml)).status).toBe(404);
    const sipAtlantic = storyLine(
      story,
      new RegExp(
        `sip:${escape(a.domain)} +→ 200 OK \\(application/pres-im-provisioning\\+xml; the same bytes as the anonymous HTTP view; ver ([^)\\s]+)\\)`,
      ),
    );
    expect(anonymous.headers.get('etag')).toBe(`"${sipAtlantic[1]}"`);
    expect(story).toMatch(new RegExp(`sip:${escape(c.domain)} +→ 404 Not Found`));
    expect((await get(`/.well-known/pres-im-provisioning/${c.domain}`, undefined, xml)).status).toBe(404);
    const hubDocument = (await get('/.well-known/pres-im-provisioning', undefined, xml)).text;
    const listedMembers = [...hubDocument.matchAll(/<member [^>]*domain="([^"]+)"/g)].map((m) => m[1]);
    expect(
      storyLine(story, new RegExp(`sip:${escape(facts.hubDomain)} +→ 200 OK .*lists \\d+ member\\(s\\): ([^)]*)\\)`))[1],
    ).toBe(listedMembers.join(', '));

    // 4. the room: its messages by number, what each gateway was sent, the signing key
    const room = facts.chat.room;
    expect(story).toContain(`Room ${room.uri}`);
    const events = (await get(`/v1/chat/rooms/${room.id}/events?user=${encodeURIComponent(b.user)}`, key('borealis'))).json
      .items as Array<{
      seq: number;
      kind: string;
      actor: string;
      content: { body?: string };
    }>;
    const messages = events.filter((e) => e.kind === 'message');
    expect(messages).toHaveLength(4);
    for (const m of messages.slice(0, 3)) expect(story).toContain(`#${m.seq} ${m.actor}: "${m.content.body}"`);
    for (const net of Object.values(facts.networks)) {
      const sent = messages
        .slice(0, 3)
        .filter((m) => m.actor !== net.user)
        .map((m) => `"${m.content.body}"`);
      const [, received] = storyLine(story, new RegExp(`${escape(net.gateway)}: \\d+ room events, messages (.*)$`, 'm'));
      expect(received).toBe(sent.join(', '));
    }
    const [, kid] = storyLine(story, /Signed with hub key (\S+) — published in \/\.well-known\/jwks\.json/);
    expect(((await get('/.well-known/jwks.json')).json.keys as Array<{ kid: string }>).map((k) => k.kid)).toContain(kid);
    const destinations = (await op('/admin/v1/chat/destinations')).json.items as Array<{ network: string; pending: number }>;
    for (const net of [a, b]) expect(destinations.find((d) => d.network === net.domain)?.pending ?? 0).toBe(0);

    // 5. the message log
    const [, sent, accepted, duplicates, rejected] = storyLine(
      story,
      new RegExp(
        `${escape(a.domain)} logged a batch of (\\d+) records: (\\d+) accepted, (\\d+) duplicate, 1 rejected \\(([^)]*)\\)`,
      ),
    );
    expect([sent, duplicates, rejected]).toEqual(['4', '1', 'atl-0003: not-allowed']);
    const logged = (await op(`/admin/v1/message-log?origin=${a.domain}`)).json.items as Array<{
      messageId: string;
      body: string | null;
    }>;
    expect(logged.map((r) => r.messageId)).toEqual(['atl-0001', 'atl-0002']);
    expect(String(logged.length)).toBe(accepted);
    const inRoom = (await op(`/admin/v1/message-log?room=${encodeURIComponent(room.uri)}`)).json.items as Array<{
      origin: string;
    }>;
    expect(storyLine(story, /The hub logged the room's messages itself: (\d+) records with origin (\S+)/).slice(1)).toEqual([
      '3',
      facts.hubDomain,
    ]);
    expect(inRoom).toHaveLength(4); // and the fourth, after the block, as the story's last step says
    expect(story).toContain("The room's log now holds 4 messages");
    const [, found] = storyLine(story, new RegExp(`searched participant=${escape(a.user)}: (\\d+) records`));
    const search = (await get(`/v1/message-log?participant=${encodeURIComponent(a.user)}`, key('atlantic'))).json
      .items as unknown[];
    expect(String(search.length)).toBe(found);

    // 6. the block and what it did to the room
    expect((await get('/v1/interconnect/blocks', key('cumulus'))).json.items).toEqual([
      expect.objectContaining({ blocker: c.domain, blocked: a.domain }),
    ]);
    expect(storyLine(story, /The operator sees the real reason: refused \((\S+)\)/)[1]).toBe(
      (await adminDecision(a.domain, c.domain, 'n-way-chat')).reason,
    );
    expect(story).toContain('refused (blocked-by-target)');
    const participants = (await get(`/v1/chat/rooms/${room.id}`, key('borealis'))).json.participants as Array<{
      user: string;
      state: string;
    }>;
    expect(Object.fromEntries(participants.map((p) => [p.user, p.state]))).toEqual({
      [a.user]: 'joined',
      [b.user]: 'joined',
      [c.user]: 'removed',
    });
    expect(story).toContain(`the hub removed ${c.user}`);
    expect(story).toMatch(/reached Atlantic Telecom: yes; Cumulus: no\./);

    // stopping: exit 0 and nothing left of hub, worker or the embedded PostgreSQL
    demo.proc.kill('SIGTERM');
    const stopped = await within(demo.exited, 45_000);
    expect(stopped).toEqual({ code: 0, signal: null });
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 420_000);

  it('should run against configured PostgreSQL and Redis, finish by itself and leave its networks in that database', async () => {
    const demo = runDemo(['--data-dir', join(base, 'configured'), '--facts', join(base, 'configured-facts.json')], {
      ...process.env, // DATABASE_URL and REDIS_URL of the test run
      REDIS_KEY_PREFIX: `demo${randomBytes(3).toString('hex')}`,
      HUB_PORT: String(await childPort()),
      HUB_SIP_PORT: String(await childPort()),
      HUB_BOOTSTRAP_OPERATOR_TOKEN: TOKEN,
      HUB_LOG_LEVEL: 'warn',
    });
    demos.push(demo);
    const result = await within(demo.exited, 400_000);
    expect({ result, output: demo.output() }).toEqual({ result: { code: 0, signal: null }, output: expect.any(String) });
    const story = demo.output();
    expect(story).toMatch(/PostgreSQL at postgres:\/\/[^ ]+, queues on Redis at redis:\/\//);
    expect(story).toContain('[demo] done');
    // nothing (a forgotten timer, a socket) keeps it alive once it is done: a liveness bound, not a speed figure
    expect(demo.lingered()).toBeLessThan(15_000);
    const facts = JSON.parse(readFileSync(join(base, 'configured-facts.json'), 'utf8')) as Facts;
    const db = await openTestDataSource();
    try {
      const domains = Object.values(facts.networks).map((n) => n.domain);
      const rows = (await db.query(`SELECT domain, status FROM members WHERE domain = ANY($1) ORDER BY domain`, [
        domains,
      ])) as Array<{
        domain: string;
        status: string;
      }>;
      expect(rows).toEqual([...domains].sort().map((domain) => ({ domain, status: 'active' })));
      const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM message_log WHERE $1 = ANY(tags)`, [
        `r:${facts.chat.room.uri}`,
      ])) as Array<{ n: number }>;
      expect(n).toBe(4);
    } finally {
      await db.destroy();
    }
  }, 420_000);
});
