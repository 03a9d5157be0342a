import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '@app/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { type LiTaskEntity, LiTaskingRepository } from '@app/db';
import type { LiAdministrator } from './li-administrators.service.js';
import { LiAuditLog } from './li-audit-log.js';
import { LiSealer } from './li-sealer.js';
import type { LiTaskDetails, LiTaskInput, LiTaskSealed } from './li-task.js';
import { X1_ERROR } from './x1-error-codes.js';

/**
 * Interception tasks. The blind-index rows (li_task_targets) follow the task's state in the same
 * transaction: written when the task becomes active, replaced when it is modified, deleted when it
 * is deactivated, so the matcher never sees a task that is not active and a deactivation stops
 * new matches at commit. Every call, refused or not, leaves an li_audit entry.
 */
@Injectable()
export class LiTasks {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: LiTaskingRepository,
    private readonly sealer: LiSealer,
    private readonly audit: LiAuditLog,
  ) {}

  private audited<T>(
    by: LiAdministrator,
    action: string,
    xid: string | null,
    context: Record<string, unknown>,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return this.audit.audited({ administratorId: by.id, action, xid, detail: context }, work);
  }

  private get fourEyes(): boolean {
    return this.config.li?.fourEyes ?? false;
  }

  /** Activates the task, or (four eyes) stores it awaiting a second administrator's approval. */
  activate(by: LiAdministrator, input: LiTaskInput, context: Record<string, unknown> = {}): Promise<LiTaskDetails> {
    return this.audited(by, 'activate-task', input.xid, context, async (manager) => {
      const validFrom = input.validFrom ?? new Date();
      checkWindow(validFrom, input.validUntil);
      await this.requireDestinations(input.destinationIds, manager);
      const state = this.fourEyes ? 'awaiting-approval' : 'active';
      const now = new Date();
      const inserted = await this.repository.insertTask(
        {
          xid: input.xid,
          state,
          deliveryType: input.deliveryType,
          validFrom,
          validUntil: input.validUntil ?? null,
          destinationIds: input.destinationIds,
          sealed: this.sealer.seal(sealedPart(input)),
          createdBy: by.id,
          approvedBy: null,
          modifiedAt: now,
        },
        manager,
      );
      if (!inserted) throw new ConflictError(`a task with XId ${input.xid} exists`, { x1ErrorCode: X1_ERROR.xidExists });
      if (state === 'active') await this.indexTargets(input.xid, input, manager);
      return this.toDetails(await this.requireTask(input.xid, manager));
    });
  }

  /** Four eyes: a second administrator makes a waiting task active. */
  approve(by: LiAdministrator, xid: string): Promise<LiTaskDetails> {
    return this.audited(by, 'approve-task', xid, {}, async (manager) => {
      const task = await this.requireTask(xid, manager);
      if (task.state !== 'awaiting-approval') throw new ConflictError(`task ${xid} is not awaiting approval`);
      if (task.createdBy === by.id) {
        throw new ForbiddenError('a task must be approved by another LI administrator than the one who activated it');
      }
      task.state = 'active';
      task.approvedBy = by.id;
      task.modifiedAt = new Date();
      await this.repository.saveTask(task, manager);
      await this.indexTargets(xid, this.sealer.open<LiTaskSealed>(task.sealed), manager);
      return this.toDetails(task);
    });
  }

  modify(by: LiAdministrator, input: LiTaskInput, context: Record<string, unknown> = {}): Promise<LiTaskDetails> {
    return this.audited(by, 'modify-task', input.xid, context, async (manager) => {
      const task = await this.requireTask(input.xid, manager);
      if (task.state === 'deactivated') throw new ConflictError(`task ${input.xid} is deactivated`);
      const validFrom = input.validFrom ?? task.validFrom;
      checkWindow(validFrom, input.validUntil);
      await this.requireDestinations(input.destinationIds, manager);
      if (this.fourEyes && task.state === 'active') this.refuseWidening(task, input, validFrom);
      task.deliveryType = input.deliveryType;
      task.validFrom = validFrom;
      task.validUntil = input.validUntil ?? null;
      task.destinationIds = input.destinationIds;
      task.sealed = this.sealer.seal(sealedPart(input));
      task.modifiedAt = new Date();
      await this.repository.saveTask(task, manager);
      if (task.state === 'active') await this.indexTargets(task.xid, input, manager);
      return this.toDetails(task);
    });
  }

  deactivate(by: LiAdministrator, xid: string, context: Record<string, unknown> = {}): Promise<void> {
    return this.audited(by, 'deactivate-task', xid, context, async (manager) => {
      const task = await this.requireTask(xid, manager);
      if (task.state === 'deactivated') throw new ConflictError(`task ${xid} is already deactivated`);
      await this.deactivateLocked(task, manager);
    });
  }

  /** Deactivates every task that is active or awaiting approval; returns how many. */
  deactivateAll(by: LiAdministrator, context: Record<string, unknown> = {}): Promise<number> {
    return this.audited(by, 'deactivate-all-tasks', null, context, async (manager) => {
      const tasks = await this.repository.listLiveTasksForUpdate(manager);
      for (const task of tasks) await this.deactivateLocked(task, manager);
      return tasks.length;
    });
  }

  details(by: LiAdministrator, xid: string, context: Record<string, unknown> = {}): Promise<LiTaskDetails> {
    return this.audited(by, 'get-task-details', xid, context, async () => {
      const task = await this.repository.findTask(xid);
      if (!task) throw unknownTask(xid);
      return this.toDetails(task);
    });
  }

  /** Every task, deactivated ones included (the caller audits the listing: GetAllDetails covers destinations too). */
  async list(): Promise<LiTaskDetails[]> {
    return (await this.repository.listTasks()).map((task) => this.toDetails(task));
  }

  private async deactivateLocked(task: LiTaskEntity, manager: EntityManager): Promise<void> {
    const now = new Date();
    task.state = 'deactivated';
    task.deactivatedAt = now;
    task.modifiedAt = now;
    await this.repository.saveTask(task, manager);
    await this.repository.replaceTargets(task.xid, [], manager);
  }

  private async indexTargets(xid: string, sealed: Pick<LiTaskSealed, 'targets'>, manager: EntityManager): Promise<void> {
    await this.repository.replaceTargets(
      xid,
      sealed.targets.map((t) => this.sealer.targetLookup(t)),
      manager,
    );
  }

  /**
   * Under four eyes an approved task may be narrowed but not widened without a new approval: new
   * targets, CC where only IRI was approved, new destinations or a longer window are refused.
   */
  private refuseWidening(task: LiTaskEntity, input: LiTaskInput, validFrom: Date): void {
    const approved = this.sealer.open<LiTaskSealed>(task.sealed);
    const approvedTargets = new Set(approved.targets.map((t) => this.sealer.targetLookup(t).toString('hex')));
    const widened =
      input.targets.some((t) => !approvedTargets.has(this.sealer.targetLookup(t).toString('hex'))) ||
      (task.deliveryType === 'iri' && input.deliveryType === 'iri-and-cc') ||
      input.destinationIds.some((d) => !task.destinationIds.includes(d)) ||
      validFrom < task.validFrom ||
      (task.validUntil !== null && (input.validUntil === undefined || input.validUntil > task.validUntil));
    if (widened) {
      throw new ForbiddenError(
        'with four eyes an active task can only be narrowed: activate a new task for new targets, CC, destinations or a longer window',
      );
    }
  }

  private async requireTask(xid: string, manager: EntityManager): Promise<LiTaskEntity> {
    const task = await this.repository.findTaskForUpdate(xid, manager);
    if (!task) throw unknownTask(xid);
    return task;
  }

  private async requireDestinations(dids: readonly string[], manager: EntityManager): Promise<void> {
    const existing = await this.repository.existingDestinationIds(dids, manager);
    const missing = dids.filter((d) => !existing.has(d));
    if (missing.length) {
      throw new NotFoundError(`unknown destination ${missing.join(', ')}`, { x1ErrorCode: X1_ERROR.unknownDid });
    }
  }

  private toDetails(task: LiTaskEntity): LiTaskDetails {
    const sealed = this.sealer.open<LiTaskSealed>(task.sealed);
    return {
      xid: task.xid,
      state: task.state,
      targets: sealed.targets,
      deliveryType: task.deliveryType,
      destinationIds: task.destinationIds,
      warrantReference: sealed.warrantReference,
      validFrom: task.validFrom,
      validUntil: task.validUntil,
      createdBy: task.createdBy,
      approvedBy: task.approvedBy,
    };
  }
}

function unknownTask(xid: string): NotFoundError {
  return new NotFoundError(`no task with XId ${xid}`, { x1ErrorCode: X1_ERROR.unknownXid });
}

function checkWindow(validFrom: Date, validUntil: Date | undefined): void {
  if (validUntil && validUntil <= validFrom) throw InvalidInputError.forField('validUntil', 'must be after validFrom');
}

function sealedPart(input: LiTaskInput): LiTaskSealed {
  return { targets: input.targets, warrantReference: input.warrantReference };
}
