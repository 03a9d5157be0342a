// The demo's story: what happened, told from the facts the scenario collected (scenario.mjs), with
// the URLs to open. Plain text, one fact per line, so a reader and the e2e test can follow it.

const list = (items) => (items.length ? items.join(', ') : 'none');
const quote = (texts) => list(texts.map((t) => `"${t}"`));
const verdict = (d) => `${d.allowed ? 'allowed' : 'refused'} (${d.reason})`;

/** The story as lines of text. `run`: `{ base, token, tokenShown, mode, keep, logFile }`. */
export function renderStory(facts, run) {
  const n = facts.networks;
  const domain = (key) => n[key].domain;
  const out = [];
  const line = (text = '') => out.push(text);
  const pad = (text, width) => text.padEnd(width);

  line(`Demo federation on ${facts.hubDomain} — ${run.mode}`);
  line();
  line('1. Three Peer Networks joined the clearing house');
  for (const key of Object.keys(n)) {
    const m = n[key];
    line(
      `   ${pad(m.name, 17)} ${pad(m.domain, 24)} ${pad(m.family, 11)} applied (${m.applied}), approved (${m.status}), ` +
        `published provisioning version ${m.seq} ver ${m.ver}`,
    );
  }
  line(`   Users in the story: ${list(Object.values(n).map((m) => m.user))}`);
  line();
  line('2. Agreements');
  line('   Federation mode: agreement (networks interconnect only where they agreed to)');
  const p = facts.policy;
  line(
    `   Before any agreement, ${domain(p.before.from)} → ${domain(p.before.to)} for ${p.before.service}: ${verdict(p.before)}`,
  );
  for (const a of p.agreements) {
    line(`   Agreement ${domain(a.from)} ⇄ ${domain(a.to)} for ${a.services.join(', ')}: offered by ${domain(a.from)}, accepted`);
  }
  line(`   Now ${domain(p.after.from)} → ${domain(p.after.to)} for ${p.after.service}: ${verdict(p.after)}`);
  line(`   And ${domain(p.notAgreed.from)} → ${domain(p.notAgreed.to)} for ${p.notAgreed.service}: ${verdict(p.notAgreed)}`);
  line();
  line('3. Tailored provisioning');
  const o = facts.provisioning.override;
  line(`   ${domain(o.owner)} keeps an override for ${domain(o.peer)}: edge ${o.edge}, max-connections ${o.maxConnections}`);
  line(`   HTTP GET /.well-known/pres-im-provisioning/${domain('atlantic')}`);
  for (const h of facts.provisioning.http) {
    const who = h.requestor ? `as ${domain(h.requestor)}` : 'anonymous';
    line(`     ${pad(who + ':', 30)} ${h.status}, for=${h.for ?? '(none)'}, dns-names ${list(h.dnsNames)}, ETag ${h.etag}`);
  }
  line(`   SIP OPTIONS over UDP to ${facts.sip.host}:${facts.sip.port} (SIP queries are anonymous)`);
  for (const s of facts.provisioning.sip) {
    const details = [];
    if (s.contentType) details.push(s.contentType);
    if (s.sameAsAnonymousHttp !== undefined) {
      details.push(s.sameAsAnonymousHttp ? 'the same bytes as the anonymous HTTP view' : 'NOT the anonymous HTTP view');
    }
    if (s.ver) details.push(`ver ${s.ver}`);
    if (s.members) details.push(`lists ${s.members.length} member(s): ${list(s.members)}`);
    if (s.target === domain('cumulus') && s.status === 404) {
      details.push(`${n.cumulus.name} is visible only to ${domain('atlantic')} and ${domain('borealis')}`);
    }
    line(`     ${pad(`sip:${s.target}`, 32)} → ${s.status} ${s.reason}${details.length ? ` (${details.join('; ')})` : ''}`);
  }
  line();
  const c = facts.chat;
  line('4. An N-way chat hosted by the hub');
  line(
    `   Room ${c.room.uri} ("${c.room.subject}") created by ${n[c.owner].user}; ${list(['atlantic', 'cumulus'].map((k) => n[k].user))} invited and joined`,
  );
  for (const m of c.messages.slice(0, 3)) line(`   #${m.seq} ${n[m.from].user}: "${m.body}"`);
  line('   Pushed by the worker to each network’s chat gateway (signed, RFC 9421; Content-Digest checked):');
  for (const [key, g] of Object.entries(c.gateways)) {
    line(`     ${pad(n[key].name, 17)} ${n[key].gateway}: ${g.events} room events, messages ${quote(g.messages)}`);
  }
  const keyids = [...new Set(Object.values(c.gateways).flatMap((g) => g.keyids))];
  line(`   Signed with hub key ${list(keyids)} — ${c.keyidsInJwks ? 'published' : 'NOT found'} in /.well-known/jwks.json`);
  line();
  const l = facts.log;
  line('5. The central message log');
  const rejected = l.batch.rejected.map((r) => `${r.messageId}: ${r.reason}`);
  line(
    `   ${domain('atlantic')} logged a batch of ${l.batch.sent} records: ${l.batch.accepted} accepted, ` +
      `${l.batch.duplicates} duplicate, ${l.batch.rejected.length} rejected (${list(rejected)})`,
  );
  line(`   The hub logged the room's messages itself: ${l.room.records} records with origin ${list(l.room.origins)}`);
  line(
    `   ${domain(l.search.by)} searched participant=${l.search.participant}: ${l.search.records} records ` +
      `(${list(l.search.messageIds)}; ${l.search.digestOnly} logged by digest only)`,
  );
  line();
  const b = facts.block;
  line('6. A block');
  line(`   ${domain(b.blocker)} blocked ${domain(b.blocked)}`);
  line(
    `   ${domain(b.blocked)} asks about ${domain(b.blocker)} for n-way-chat: ${verdict(b.asMember)} — a blocker is hidden like a non-member`,
  );
  line(`   The operator sees the real reason: ${verdict(b.forOperator)}`);
  line(
    `   In the room, the hub removed ${b.removed.user} (event #${b.removed.seq}): ${n.cumulus.name} joined after ` +
      `${n.atlantic.name}, so it is the network that leaves`,
  );
  line(
    `   The next message, "${b.afterMessage.body}", reached ${n.atlantic.name}: ${b.afterMessage.atlantic ? 'yes' : 'no'}; ` +
      `${n.cumulus.name}: ${b.afterMessage.cumulus ? 'yes' : 'no'}. The room's log now holds ${b.roomRecordsLogged} messages`,
  );
  line();
  line('Open');
  line(`   Web console      ${run.base}/console   (sign in with the operator token)`);
  line(`   OpenAPI          ${run.base}/docs`);
  line(`   Queue dashboard  ${run.base}/admin/queues`);
  line(`   Operator token   ${run.tokenShown}`);
  const get = (path) => `   curl -H "Authorization: Bearer $TOKEN" '${run.base}${path}'`;
  line('   With TOKEN set to the operator token:');
  line(get('/admin/v1/members'));
  line(get(`/admin/v1/interconnect/decisions?requestor=${domain('atlantic')}&peer=${domain('cumulus')}&service=n-way-chat`));
  line(get(`/admin/v1/message-log?participant=${encodeURIComponent(l.search.participant)}`));
  line(get(`/admin/v1/chat/destinations`));
  line(`   curl '${run.base}/.well-known/pres-im-provisioning/${domain('atlantic')}'`);
  line(`   Hub and worker log: ${run.logFile}`);
  return out;
}
