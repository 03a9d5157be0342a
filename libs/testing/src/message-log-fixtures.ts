import { type ActiveMember, hubRequest, type HubTarget } from './member-factory.js';
import { memberDocument, type MemberDocumentOptions } from './provisioning-fixtures.js';

let counter = 0;

/** One valid message-log record from `from` (origin, outbound) to a user of `to`. */
export function messageRecord(from: string, to: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  return {
    messageId: `msg-${process.pid}-${counter}`,
    origin: from,
    sender: `sip:alice@${from}`,
    recipients: [`sip:bob@${to}`],
    timestamp: new Date().toISOString(),
    direction: 'outbound',
    contentType: 'text/plain',
    body: `hello ${counter}`,
    ...overrides,
  };
}

/** Publishes a document delegating logging (and any other options) to the hub. */
export async function delegateLogging(app: HubTarget, member: ActiveMember, options: MemberDocumentOptions = {}): Promise<void> {
  const res = await hubRequest(app)
    .put('/v1/provisioning')
    .set({ Authorization: `Bearer ${member.token}` })
    .send(memberDocument(member.domain, { ...options, delegate: ['logging', ...(options.delegate ?? [])] }));
  if (res.status !== 201 && res.status !== 200) throw new Error(`delegating logging failed: ${res.status} ${res.text}`);
}
