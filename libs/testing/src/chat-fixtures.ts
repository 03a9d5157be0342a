import type request from 'supertest';
import { type ActiveMember, hubRequest, type HubTarget } from './member-factory.js';
import { memberDocument, type MemberDocumentOptions } from './provisioning-fixtures.js';

/** The Authorization header of a member's API key. */
export const memberAuth = (m: ActiveMember) => ({ Authorization: `Bearer ${m.token}` });

async function expectStatus(res: request.Response, status: number, what: string): Promise<request.Response> {
  if (res.status !== status) throw new Error(`${what} failed: ${res.status} ${res.text}`);
  return res;
}

/** Publishes the member's document (with the given options); returns nothing but fails loudly. */
export async function publishMemberDocument(app: HubTarget, m: ActiveMember, options: MemberDocumentOptions = {}): Promise<void> {
  const res = await hubRequest(app).put('/v1/provisioning').set(memberAuth(m)).send(memberDocument(m.domain, options));
  await expectStatus(res, 201, `publishing ${m.domain}`);
}

/** `x` offers `y` an agreement for `services` and `y` accepts it; returns its id. */
export async function acceptedAgreement(
  app: HubTarget,
  x: ActiveMember,
  y: ActiveMember,
  services: string[] = ['n-way-chat'],
): Promise<string> {
  const http = () => hubRequest(app);
  const offer = await expectStatus(
    await http().post('/v1/interconnect/offers').set(memberAuth(x)).send({ peer: y.domain, services }),
    201,
    `offering ${y.domain}`,
  );
  const id = offer.body.id as string;
  await expectStatus(await http().post(`/v1/interconnect/agreements/${id}/accept`).set(memberAuth(y)).send({}), 200, 'accepting');
  return id;
}

/** `inviter` (a joined user of member `inviter.member`) invites `user` of member `guest`, who joins. */
export async function inviteAndJoin(
  app: HubTarget,
  roomId: string,
  inviter: { member: ActiveMember; user: string },
  guest: { member: ActiveMember; user: string },
): Promise<request.Response> {
  const http = () => hubRequest(app);
  await expectStatus(
    await http()
      .post(`/v1/chat/rooms/${roomId}/invitations`)
      .set(memberAuth(inviter.member))
      .send({ by: inviter.user, user: guest.user }),
    200,
    `inviting ${guest.user}`,
  );
  return expectStatus(
    await http().post(`/v1/chat/rooms/${roomId}/join`).set(memberAuth(guest.member)).send({ user: guest.user }),
    200,
    `${guest.user} joining`,
  );
}
