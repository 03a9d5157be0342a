import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ChatRepository, JobReceiptRepository, TransactionRunner } from '@app/db';
import { MessageLogIngest } from '@app/message-log';
import { type ChatEventCommittedPayload, JobName, type JobRef, OutboxWriter, QueueName } from '@app/queue';

export type ChatEventHandled = { outcome: 'logged' | 'already-logged' | 'nothing-to-log' };

/**
 * Post-processing of a committed room event (queue chat): a message goes into the central message
 * log through the hub's relay path, so the log's chain and search cover hub-hosted rooms. The log
 * drops a record it already has (same origin and message id), so a redelivered job logs once. The
 * job's receipt is recorded after the log committed (the log's ingest is its own transaction): a
 * crash in between repeats the job, which finds its record already logged and records the receipt.
 * While lawful interception is enabled, the receipt's transaction also enqueues the event's
 * matching job (queue lawful-interception) for EVERY event, whatever the tasks.
 */
@Injectable()
export class ChatEventsHandler {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly chat: ChatRepository,
    private readonly log: MessageLogIngest,
    private readonly tx: TransactionRunner,
    private readonly receipts: JobReceiptRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async eventCommitted(job: JobRef, payload: ChatEventCommittedPayload): Promise<ChatEventHandled> {
    const handled = await this.logEvent(payload);
    await this.tx.run(async (manager) => {
      const first = await this.receipts.recordOnce(
        {
          jobId: job.id,
          queue: QueueName.Chat,
          jobName: JobName.ChatEventCommitted,
          result: { roomId: payload.roomId, seq: payload.seq, outcome: handled.outcome },
          attemptsMade: job.attemptsMade,
        },
        manager,
      );
      if (first && this.config.li) {
        await this.outbox.enqueue(JobName.LiMatchChatEvent, { roomId: payload.roomId, seq: payload.seq }, manager);
      }
    });
    return handled;
  }

  private async logEvent(payload: ChatEventCommittedPayload): Promise<ChatEventHandled> {
    if (payload.kind !== 'message') return { outcome: 'nothing-to-log' };
    const [room, event] = await Promise.all([this.chat.findRoom(payload.roomId), this.chat.event(payload.roomId, payload.seq)]);
    if (!room || !event) return { outcome: 'nothing-to-log' };
    const result = await this.log.ingestRelayed([
      {
        messageId: chatMessageId(room.id, event.seq),
        origin: this.config.hub.domain,
        sender: event.actor,
        room: room.uri,
        timestamp: event.createdAt.toISOString(),
        direction: 'outbound',
        contentType: event.content.mediaType,
        body: event.content.body,
      },
    ]);
    if (result.rejected.length) throw new Error(`the message log refused ${room.id}#${event.seq}: ${result.rejected[0].detail}`);
    return { outcome: result.accepted.length ? 'logged' : 'already-logged' };
  }
}

/** The message id of a room's message in the central log: stable, so a retry is a duplicate. */
export function chatMessageId(roomId: string, seq: string): string {
  return `chat-${roomId}-${seq}`;
}
