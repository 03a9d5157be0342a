import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { TEST_OPERATOR_TOKEN } from './test-config.js';

export const operatorAuth = { Authorization: `Bearer ${TEST_OPERATOR_TOKEN}` };

/** A hub to call: an app in the test process, or the base URL of one running elsewhere (a compiled app). */
export type HubTarget = NestFastifyApplication | string;

/** supertest on the hub, wherever it runs. */
export const hubRequest = (hub: HubTarget) => request(typeof hub === 'string' ? hub : hub.getHttpServer());

export interface ActiveMember {
  domain: string;
  id: string;
  token: string;
  keyId: string;
}

let counter = 0;
// jest gives each spec file its own copy of this module (counter at 0 again) and may run several
// files in one process on one database: the random part keeps their domains apart
const run = randomBytes(3).toString('hex');
export const uniqueDomain = (label = 'net') => `${label}${++counter}-${process.pid}-${run}.example.com`;

/** Creates a member over the admin API and returns it pending. */
export async function createPendingMember(app: HubTarget, domain = uniqueDomain()) {
  const res = await hubRequest(app)
    .post('/admin/v1/members')
    .set(operatorAuth)
    .send({
      domain,
      displayName: `Network ${domain}`,
      protocols: ['sip', 'xmpp'],
      contacts: { admin: [`mailto:admin@${domain}`] },
    });
  if (res.status !== 201) throw new Error(`creating ${domain} failed: ${res.status} ${res.text}`);
  return res.body as { id: string; domain: string; status: string };
}

/** Creates and approves a member over the admin API; returns its first API key. */
export async function createActiveMember(app: HubTarget, domain = uniqueDomain()): Promise<ActiveMember> {
  const member = await createPendingMember(app, domain);
  const res = await hubRequest(app).post(`/admin/v1/members/${domain}/approve`).set(operatorAuth).send({});
  if (res.status !== 200) throw new Error(`approving ${domain} failed: ${res.status} ${res.text}`);
  return { domain, id: member.id, token: res.body.apiKey.token, keyId: res.body.apiKey.id };
}
