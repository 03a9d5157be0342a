import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '@app/common';
import { LiAdministratorRepository, TransactionRunner } from '@app/db';
import { LiSealer } from './li-sealer.js';

export interface LiAuditInput {
  administratorId: string | null;
  /** kebab-case action: activate-task, approve-task, get-task-details, create-administrator, … */
  action: string;
  xid?: string | null;
  /** 'ok', or the kind of the error that refused the action */
  outcome: string;
  /** sealed before it is stored: may name targets, destinations or the transaction */
  detail?: Record<string, unknown>;
}

export interface LiAuditEntry {
  id: string;
  at: Date;
  administratorId: string | null;
  action: string;
  xid: string | null;
  outcome: string;
  detail: Record<string, unknown> | null;
}

/** The LI-only audit trail (li_audit): every LI action, kept apart from the operators' audit log. */
@Injectable()
export class LiAuditLog {
  constructor(
    private readonly repository: LiAdministratorRepository,
    private readonly sealer: LiSealer,
    private readonly tx: TransactionRunner,
  ) {}

  /**
   * Runs `work` in one transaction with its audit entry (outcome 'ok'); a refusal (a domain error)
   * is audited too, after the rollback, with its kind as the outcome and its message in the detail.
   */
  audited<T>(entry: Omit<LiAuditInput, 'outcome'>, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.refusalsAudited(entry, () =>
      this.tx.run(async (manager) => {
        const result = await work(manager);
        await this.record({ ...entry, outcome: 'ok' }, manager);
        return result;
      }),
    );
  }

  /**
   * Runs `work`, which audits its own success (in its own transaction), and audits a refusal it
   * throws (a domain error) after that transaction rolled back, with its kind as the outcome.
   */
  async refusalsAudited<T>(entry: Omit<LiAuditInput, 'outcome'>, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DomainError) {
        await this.record({ ...entry, outcome: error.kind, detail: { ...entry.detail, reason: error.message } });
      }
      throw error;
    }
  }

  /** Appends an entry, in the caller's transaction when `manager` is given. */
  async record(input: LiAuditInput, manager?: EntityManager): Promise<void> {
    await this.repository.appendAudit(
      {
        administratorId: input.administratorId,
        action: input.action,
        xid: input.xid ?? null,
        outcome: input.outcome,
        detail: input.detail ? this.sealer.seal(input.detail) : null,
      },
      manager,
    );
  }

  /**
   * An unexpected failure of an LI request: kept here rather than in the normal log, whose readers
   * must learn nothing of LI. Never throws (the caller is already answering an error).
   */
  async recordInternalError(
    by: { id: string } | null,
    errorId: string,
    error: unknown,
    context: Record<string, unknown> = {},
  ): Promise<void> {
    const described =
      error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { value: String(error) };
    try {
      await this.record({
        administratorId: by?.id ?? null,
        action: 'internal-error',
        outcome: 'internal',
        detail: { ...context, errorId, error: described },
      });
    } catch {
      // the database may be what failed: the answer still carries the error id
    }
  }

  /** Newest first; `beforeId` continues a page. */
  async list(limit: number, beforeId?: string): Promise<LiAuditEntry[]> {
    const rows = await this.repository.listAudit(limit, beforeId);
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      administratorId: row.administratorId,
      action: row.action,
      xid: row.xid,
      outcome: row.outcome,
      detail: row.detail ? this.sealer.open<Record<string, unknown>>(row.detail) : null,
    }));
  }
}
