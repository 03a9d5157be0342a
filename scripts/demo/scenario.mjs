// The demo's steps against a running hub, all through its public HTTP API and SIP listener, exactly
// as three Peer Networks and an operator would make them. Returns the facts the story is told from
// (story.mjs); apps/hub/test/demo.e2e-spec.ts checks the story against what the API answers.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DemoStepFailed, eventually } from './hub-api.mjs';
import { sipOptions } from './sip-options.mjs';

const NETWORKS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'networks');

/** The three Peer Networks: one per signalling family, each with a user in the story. */
export const NETWORKS = [
  { key: 'atlantic', name: 'Atlantic Telecom', protocol: 'sip', family: 'SIP/SIMPLE', user: (d) => `sip:alice@${d}` },
  { key: 'borealis', name: 'Borealis Chat', protocol: 'xmpp', family: 'XMPP', user: (d) => `xmpp:bob@${d}` },
  { key: 'cumulus', name: 'Cumulus', protocol: 'matrix', family: 'Matrix', user: (d) => `matrix:u/carol:${d}` },
];

/** The demo's domains: `<key>.example`, or with a tag (`<key>-<tag>.example`) when a database already has those. */
export const demoDomains = (tag) => Object.fromEntries(NETWORKS.map((n) => [n.key, `${n.key}${tag ? `-${tag}` : ''}.example`]));

/** A network's provisioning document (scripts/demo/networks/<key>.xml) with its placeholders filled in. */
export function provisioningXml(key, values) {
  return readFileSync(join(NETWORKS_DIR, `${key}.xml`), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, name) => {
    if (values[name] === undefined) throw new Error(`${key}.xml: no value for {{${name}}}`);
    return values[name];
  });
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const attribute = (xml, name) => new RegExp(`<pres-im-provisioning[^>]*\\s${name}="([^"]*)"`).exec(xml)?.[1];
const dnsNames = (xml) => [...xml.matchAll(/<dns-name[^>]*>([^<]+)<\/dns-name>/g)].map((m) => m[1]);

/**
 * Runs the story. `ctx`: `{ api, operatorToken, hubDomain, domains, gateways (by key), sip: {host, port}, say }`.
 */
export async function runScenario(ctx) {
  const { api, operatorToken: op, hubDomain, domains, gateways, say } = ctx;
  const facts = { hubDomain, networks: {}, policy: {}, provisioning: {}, chat: {}, block: {}, log: {} };
  const keys = {};
  const net = (key) => NETWORKS.find((n) => n.key === key);
  const user = (key) => net(key).user(domains[key]);
  const decision = async (requestor, peer, service) =>
    (await api.call('GET', `/v1/interconnect/decisions?peer=${peer}&service=${service}`, { auth: keys[requestor] })).json;

  // 1. three networks apply, the operator approves them, each collects its key and publishes its document
  say('registering three Peer Networks');
  for (const n of NETWORKS) {
    const domain = domains[n.key];
    const applied = await api.call('POST', '/v1/applications', {
      body: { domain, displayName: n.name, protocols: [n.protocol], contacts: { admin: [`mailto:peering@${domain}`] } },
    });
    await api.call('POST', `/admin/v1/members/${domain}/approve`, {
      auth: op,
      body: { reason: 'demo: vetted by the federation board' },
    });
    keys[n.key] = (
      await api.call('POST', `/v1/applications/${domain}/api-key`, { auth: applied.json.claimSecret })
    ).json.apiKey.token;
    const xml = provisioningXml(n.key, { ...domains, hub: hubDomain, gateway: gateways[n.key].url });
    const published = await api.call('PUT', '/v1/provisioning', { auth: keys[n.key], body: xml, type: 'application/xml' });
    const member = (await api.call('GET', `/admin/v1/members/${domain}`, { auth: op })).json;
    facts.networks[n.key] = {
      name: n.name,
      family: n.family,
      domain,
      user: user(n.key),
      applied: applied.json.status,
      status: member.status,
      seq: published.json.seq,
      ver: published.json.ver,
      gateway: gateways[n.key].url,
    };
  }
  facts.keys = keys;

  // 2. agreement-based federation: nothing is allowed until two networks agree
  say('setting up agreements');
  await api.call('PUT', '/admin/v1/federation/mode', { auth: op, body: { mode: 'agreement', reason: 'demo federation' } });
  const before = await decision('atlantic', domains.borealis, 'im');
  facts.policy.before = { from: 'atlantic', to: 'borealis', service: 'im', allowed: before.allowed, reason: before.reason };
  facts.policy.agreements = [];
  for (const [from, to, services] of [
    ['atlantic', 'borealis', ['presence', 'im', 'n-way-chat']],
    ['borealis', 'cumulus', ['im', 'n-way-chat']],
    ['cumulus', 'atlantic', ['n-way-chat']],
  ]) {
    const offer = await api.call('POST', '/v1/interconnect/offers', { auth: keys[from], body: { peer: domains[to], services } });
    await api.call('POST', `/v1/interconnect/agreements/${offer.json.id}/accept`, { auth: keys[to], body: {} });
    facts.policy.agreements.push({ id: offer.json.id, from, to, services });
  }
  const after = await decision('atlantic', domains.borealis, 'im');
  facts.policy.after = { from: 'atlantic', to: 'borealis', service: 'im', allowed: after.allowed, reason: after.reason };
  const noIm = await decision('atlantic', domains.cumulus, 'im');
  facts.policy.notAgreed = { from: 'atlantic', to: 'cumulus', service: 'im', allowed: noIm.allowed, reason: noIm.reason };

  // 3. tailored provisioning: Atlantic gives Borealis a dedicated edge; peers fetch over HTTP, anyone over SIP
  say('fetching tailored provisioning over HTTP and SIP OPTIONS');
  const dedicatedEdge = `borealis-peering.${domains.atlantic}`;
  await api.call('PUT', `/v1/provisioning/overrides/${domains.borealis}`, {
    auth: keys.atlantic,
    body: {
      connectivity: { dnsNames: { dnsName: [{ service: 'any', protocol: 'sip', value: dedicatedEdge }] }, maxConnections: 32 },
    },
  });
  facts.provisioning.override = { owner: 'atlantic', peer: 'borealis', edge: dedicatedEdge, maxConnections: 32 };
  facts.provisioning.http = [];
  for (const requestor of ['borealis', 'cumulus', null]) {
    const res = await api.call('GET', `/.well-known/pres-im-provisioning/${domains.atlantic}`, {
      auth: requestor ? keys[requestor] : undefined,
      accept: 'application/pres-im-provisioning+xml',
    });
    facts.provisioning.http.push({
      requestor,
      target: 'atlantic',
      status: res.status,
      for: attribute(res.text, 'for') ?? null,
      etag: res.headers.get('etag'),
      dnsNames: dnsNames(res.text),
      sha256: sha256(res.text),
    });
  }
  const anonymous = facts.provisioning.http.find((h) => h.requestor === null);
  facts.provisioning.sip = [];
  for (const target of [domains.atlantic, domains.cumulus, hubDomain]) {
    const answer = await sipOptions({ host: ctx.sip.host, port: ctx.sip.port, target });
    const body = answer.body.toString('utf8');
    facts.provisioning.sip.push({
      target,
      status: answer.status,
      reason: answer.reason,
      contentType: answer.headers['content-type'] ?? null,
      sameAsAnonymousHttp: target === domains.atlantic ? sha256(answer.body) === anonymous.sha256 : undefined,
      ver: attribute(body, 'ver') ?? null,
      members: target === hubDomain ? [...body.matchAll(/<member [^>]*domain="([^"]+)"/g)].map((m) => m[1]) : undefined,
    });
  }
  facts.sip = ctx.sip;

  // 4. an N-way chat hosted by the hub, pushed to the three gateways
  say('running an N-way chat across the three networks');
  const room = (
    await api.call('POST', '/v1/chat/rooms', {
      auth: keys.borealis,
      body: { owner: user('borealis'), subject: 'Federation launch', historyVisibility: 'shared' },
    })
  ).json;
  for (const guest of ['atlantic', 'cumulus']) {
    await api.call('POST', `/v1/chat/rooms/${room.id}/invitations`, {
      auth: keys.borealis,
      body: { by: user('borealis'), user: user(guest) },
    });
    await api.call('POST', `/v1/chat/rooms/${room.id}/join`, { auth: keys[guest], body: { user: user(guest) } });
  }
  const post = async (key, body, clientId) =>
    (
      await api.call('POST', `/v1/chat/rooms/${room.id}/messages`, {
        auth: keys[key],
        body: { from: user(key), clientId, body },
      })
    ).json;
  const lines = [
    ['borealis', 'Welcome to the federation launch room!'],
    ['atlantic', 'Hello from Atlantic, over SIP/SIMPLE.'],
    ['cumulus', 'Cumulus here, from a Matrix homeserver.'],
  ];
  facts.chat = { room: { id: room.id, uri: room.uri, subject: 'Federation launch' }, owner: 'borealis', messages: [] };
  for (const [i, [key, body]] of lines.entries()) {
    const posted = await post(key, body, `demo-${i + 1}`);
    facts.chat.messages.push({ from: key, body, seq: posted.seq });
  }
  // every network's gateway gets the other two networks' messages
  for (const key of Object.keys(gateways)) {
    const expected = lines.filter(([from]) => from !== key).length;
    await eventually(`${key}'s gateway receiving ${expected} messages`, () => gateways[key].messages(room.id).length >= expected);
  }
  facts.chat.gateways = Object.fromEntries(
    Object.entries(gateways).map(([key, g]) => [
      key,
      {
        events: g.deliveries.filter((d) => d.roomId === room.id).length,
        messages: g.messages(room.id),
        keyids: [...new Set(g.deliveries.map((d) => d.keyid))],
        allSigned: g.deliveries.every((d) => d.signed),
        problems: g.problems.length,
      },
    ]),
  );
  const jwks = (await api.call('GET', '/.well-known/jwks.json')).json;
  facts.chat.keyidsInJwks = Object.values(facts.chat.gateways).every((g) =>
    g.keyids.every((k) => jwks.keys.some((j) => j.kid === k)),
  );

  const roomRecords = (count) =>
    eventually(`${count} room messages in the message log`, async () => {
      const query = new URLSearchParams({ room: facts.chat.room.uri });
      const items = (await api.call('GET', `/admin/v1/message-log?${query}`, { auth: op })).json.items;
      return items.length >= count && items;
    });

  // 5. the central message log: Atlantic logs its direct messages, the hub logged the room's
  say('logging and searching messages');
  const now = new Date().toISOString();
  const direct = [
    {
      messageId: 'atl-0001',
      origin: domains.atlantic,
      sender: user('atlantic'),
      recipients: [user('borealis')],
      timestamp: now,
      direction: 'outbound',
      contentType: 'text/plain; charset=utf-8',
      body: 'Are we still on for the interop test at 15:00?',
    },
    {
      messageId: 'atl-0002',
      origin: domains.atlantic,
      sender: user('borealis'),
      recipients: [user('atlantic')],
      timestamp: now,
      direction: 'inbound',
      contentType: 'text/plain; charset=utf-8',
      // logged by its digest only: the hub keeps the SHA-256, never the text
      bodySha256: sha256('Yes, see you there.'),
    },
  ];
  const batch = [
    ...direct,
    { ...direct[0] }, // the same message id again: a retransmitted batch
    {
      messageId: 'atl-0003',
      origin: domains.atlantic,
      sender: user('atlantic'),
      recipients: [user('cumulus')],
      timestamp: now,
      direction: 'outbound',
      contentType: 'text/plain; charset=utf-8',
      body: 'Hi Carol, direct message from Atlantic.',
    },
  ];
  const logged = (await api.call('POST', '/v1/message-log', { auth: keys.atlantic, body: { records: batch } })).json;
  facts.log.batch = {
    sent: batch.length,
    accepted: logged.counts.accepted,
    duplicates: logged.counts.duplicates,
    rejected: logged.rejected.map((r) => ({ messageId: r.messageId, reason: r.reason })),
  };
  const search = async (query) =>
    (await api.call('GET', `/v1/message-log?${new URLSearchParams(query)}`, { auth: keys.atlantic })).json.items;
  // the worker logs each room message through the hub's relay (origin: the hub's domain); the
  // operator's search sees them all (a member sees the records its network is involved in)
  const relayed = await roomRecords(facts.chat.messages.length);
  facts.log.room = { uri: room.uri, records: relayed.length, origins: [...new Set(relayed.map((r) => r.origin))] };
  const participant = user('atlantic');
  const found = await search({ participant });
  facts.log.search = {
    participant,
    by: 'atlantic',
    records: found.length,
    messageIds: found.map((r) => r.messageId),
    digestOnly: found.filter((r) => r.body === null).length,
  };
  // 6. a block: Cumulus no longer wants anything to do with Atlantic
  say('blocking');
  await api.call('POST', '/v1/interconnect/blocks', {
    auth: keys.cumulus,
    body: { peer: domains.atlantic, reason: 'demo: unsolicited traffic' },
  });
  const asMember = await decision('atlantic', domains.cumulus, 'n-way-chat');
  const forOperator = (
    await api.call(
      'GET',
      `/admin/v1/interconnect/decisions?requestor=${domains.atlantic}&peer=${domains.cumulus}&service=n-way-chat`,
      { auth: op },
    )
  ).json;
  const afterBlock = 'Cumulus has left us; carrying on between Borealis and Atlantic.';
  const posted = await post('borealis', afterBlock, 'demo-4');
  facts.chat.messages.push({ from: 'borealis', body: afterBlock, seq: posted.seq });
  await eventually("atlantic's gateway receiving the message after the block", () =>
    gateways.atlantic.messages(room.id).includes(afterBlock),
  );
  const removal = await eventually("cumulus's gateway receiving its user's removal", () =>
    gateways.cumulus.deliveries.find(
      (d) => d.roomId === room.id && d.event.kind === 'removed' && d.event.user === user('cumulus'),
    ),
  );
  const participants = (await api.call('GET', `/v1/chat/rooms/${room.id}`, { auth: keys.borealis })).json.participants;
  facts.block = {
    blocker: 'cumulus',
    blocked: 'atlantic',
    asMember: { allowed: asMember.allowed, reason: asMember.reason },
    forOperator: { allowed: forOperator.allowed, reason: forOperator.reason },
    removed: { user: removal.event.user, seq: removal.event.seq, byHub: removal.event.actor === null },
    afterMessage: {
      body: afterBlock,
      atlantic: gateways.atlantic.messages(room.id).includes(afterBlock),
      cumulus: gateways.cumulus.messages(room.id).includes(afterBlock),
    },
    participants: participants.map((p) => ({ user: p.user, state: p.state })),
    roomRecordsLogged: (await roomRecords(facts.chat.messages.length)).length,
  };

  return facts;
}

export { DemoStepFailed };
