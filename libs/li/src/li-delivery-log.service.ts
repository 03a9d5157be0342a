import { Injectable } from '@nestjs/common';
import { LiDeliveryRepository, type LiDeliveryOutcome } from '@app/db';
import { LiSealer } from './li-sealer.js';

/** One attempt to reach a destination, as an LI administrator reads it. */
export interface LiDeliveryLogView {
  id: string;
  at: string;
  destinationId: string;
  outcome: LiDeliveryOutcome;
  records: number;
  /** failures in a row after this attempt (0 after a success) */
  failures: number;
  /** why it failed (the agency's answer or the transport error) and when it is tried again */
  error: string | null;
  retryInMs: number | null;
}

/** The delivery log of the agencies' destinations: read by LI administrators only (GET /li/v1/deliveries). */
@Injectable()
export class LiDeliveryLog {
  constructor(
    private readonly sealer: LiSealer,
    private readonly delivery: LiDeliveryRepository,
  ) {}

  async list(query: { destinationId?: string; beforeId?: string; limit: number }): Promise<LiDeliveryLogView[]> {
    const rows = await this.delivery.listLog(query);
    return rows.map((r) => {
      const detail = r.detail ? this.sealer.open<{ error?: string; retryInMs?: number }>(r.detail) : null;
      return {
        id: r.id,
        at: new Date(r.at).toISOString(),
        destinationId: r.destinationId,
        outcome: r.outcome,
        records: r.records,
        failures: r.failures,
        error: detail?.error ?? null,
        retryInMs: detail?.retryInMs ?? null,
      };
    });
  }
}
