import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ChatRepository, JobReceiptRepository, TransactionRunner } from '@app/db';
import { MessageLogIngest } from '@app/message-log';
import { type ChatEventCommittedPayload, JobName, type JobRef, OutboxWriter, QueueName } from '@app/queue';

export type ChatEventHandled = { outcome: 'logged' | 'already-logged' | 'nothing-to-log' };

/** Most events logged in one batch of the message log. */
const MAX_EVENTS_PER_BATCH = 200;

interface WaitingEvent {
  job: JobRef;
  payload: ChatEventCommittedPayload;
  resolve: (handled: ChatEventHandled) => void;
  reject: (error: Error) => void;
}

/**
 * Post-processing of a committed room event (queue chat): a message goes into the central message
 * log through the hub's relay path, so the log's chain and search cover hub-hosted rooms. The log
 * drops a record it already has (same origin and message id), so a redelivered job logs once. The
 * job's receipt is recorded after the log committed (the log's ingest is its own transaction): a
 * crash in between repeats the job, which finds its record already logged and records the receipt.
 *
 * The events of the jobs running at once are logged together: one read of their messages, one
 * batch of the log (one transaction on the hub's chain, which takes one batch at a time anyway)
 * and one statement for their receipts, instead of one of each per message. A batch is written
 * as soon as the one before it is done; what arrives meanwhile waits for the next.
 *
 * While lawful interception is enabled, the receipts' transaction also enqueues each event's
 * matching job (queue lawful-interception) for EVERY event, whatever the tasks.
 */
@Injectable()
export class ChatEventsHandler {
  private waiting: WaitingEvent[] = [];
  private flushing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly chat: ChatRepository,
    private readonly log: MessageLogIngest,
    private readonly receipts: JobReceiptRepository,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxWriter,
  ) {}

  eventCommitted(job: JobRef, payload: ChatEventCommittedPayload): Promise<ChatEventHandled> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ job, payload, resolve, reject });
      if (!this.flushing) void this.flushAll();
    });
  }

  private async flushAll(): Promise<void> {
    this.flushing = true;
    try {
      // the jobs the queue hands over in the same turn go in the first batch too
      await new Promise((resolve) => setImmediate(resolve));
      while (this.waiting.length) {
        const batch = this.waiting.splice(0, MAX_EVENTS_PER_BATCH);
        await this.flush(batch).catch((error: unknown) => {
          for (const w of batch) w.reject(error as Error);
        });
      }
    } finally {
      this.flushing = false;
    }
  }

  private async flush(batch: WaitingEvent[]): Promise<void> {
    const outcomes = await this.logMessages(batch.map((w) => w.payload));
    const done: Array<{ w: WaitingEvent; handled: ChatEventHandled }> = [];
    for (const w of batch) {
      const outcome = outcomes.get(eventKey(w.payload)) ?? 'nothing-to-log';
      if (outcome instanceof Error) w.reject(outcome);
      else done.push({ w, handled: { outcome } });
    }
    const receipts = done.map(({ w, handled }) => ({
      jobId: w.job.id,
      queue: QueueName.Chat,
      jobName: JobName.ChatEventCommitted,
      result: { roomId: w.payload.roomId, seq: w.payload.seq, outcome: handled.outcome },
      attemptsMade: w.job.attemptsMade,
    }));
    if (!this.config.li) await this.receipts.recordManyOnce(receipts);
    else {
      await this.tx.run(async (manager) => {
        const first = await this.receipts.recordManyOnce(receipts, manager);
        const matching = done.filter(({ w }) => first.has(w.job.id));
        await this.outbox.enqueueMany(
          JobName.LiMatchChatEvent,
          matching.map(({ w }) => ({ roomId: w.payload.roomId, seq: w.payload.seq })),
          manager,
        );
      });
    }
    for (const { w, handled } of done) w.resolve(handled);
  }

  /** Logs the messages among the events in one batch; the outcome per event (absent: nothing to log). */
  private async logMessages(events: ChatEventCommittedPayload[]): Promise<Map<string, ChatEventHandled['outcome'] | Error>> {
    const outcomes = new Map<string, ChatEventHandled['outcome'] | Error>();
    const messages = await this.chat.messagesToLog(events.filter((e) => e.kind === 'message'));
    // one record per message, however many jobs carry it
    const unique = [...new Map(messages.map((m) => [eventKey(m), m])).values()];
    if (unique.length === 0) return outcomes;
    const result = await this.log.ingestRelayed(
      unique.map((m) => ({
        messageId: chatMessageId(m.roomId, m.seq),
        origin: this.config.hub.domain,
        sender: m.actor,
        room: m.roomUri,
        timestamp: m.createdAt.toISOString(),
        direction: 'outbound',
        contentType: m.content.mediaType,
        body: m.content.body,
      })),
    );
    for (const r of result.accepted) outcomes.set(eventKey(unique[r.index]), 'logged');
    for (const r of result.duplicates) outcomes.set(eventKey(unique[r.index]), 'already-logged');
    for (const r of result.rejected) {
      const m = unique[r.index];
      outcomes.set(eventKey(m), new Error(`the message log refused ${m.roomId}#${m.seq}: ${r.detail}`));
    }
    return outcomes;
  }
}

function eventKey(e: { roomId: string; seq: string }): string {
  return `${e.roomId}#${e.seq}`;
}

/** The message id of a room's message in the central log: stable, so a retry is a duplicate. */
export function chatMessageId(roomId: string, seq: string): string {
  return `chat-${roomId}-${seq}`;
}
