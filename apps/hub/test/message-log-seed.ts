import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createActiveMember, delegateLogging, type ActiveMember } from '@app/testing';

/** Three member networks that all delegated logging to the hub (the visibility tests need a third party). */
export async function threeLoggingMembers(app: NestFastifyApplication): Promise<[ActiveMember, ActiveMember, ActiveMember]> {
  const members: ActiveMember[] = [];
  for (const domain of ['a.example.com', 'b.example.org', 'c.example.net']) {
    const member = await createActiveMember(app, domain);
    await delegateLogging(app, member);
    members.push(member);
  }
  return members as [ActiveMember, ActiveMember, ActiveMember];
}

/** Logs records as `member` (batches of up to 1,000), failing the test unless every record is accepted. */
export async function logRecords(app: NestFastifyApplication, member: ActiveMember, records: object[]): Promise<void> {
  for (let i = 0; i < records.length; i += 1000) {
    const batch = records.slice(i, i + 1000);
    const res = await request(app.getHttpServer())
      .post('/v1/message-log')
      .set({ Authorization: `Bearer ${member.token}` })
      .send(batch);
    if (res.status !== 200 || res.body.counts.accepted !== batch.length) {
      throw new Error(`logging as ${member.domain} failed: ${res.status} ${res.text}`);
    }
  }
}

export const minutesAgo = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();
