import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { LiTaskEntity } from './li-task.entity.js';

/**
 * The blind index of the active tasks' targets: one row per (HMAC of a normalised target, task).
 * Rows exist only while their task is active, so the matcher's cost is one index probe per
 * identifier whatever the number of tasks, and a deactivation stops new matches at once.
 */
@Entity({ name: 'li_task_targets' })
@Index('idx_li_task_targets_xid', ['xid'])
export class LiTaskTargetEntity {
  @PrimaryColumn({ type: 'bytea' })
  lookup: Buffer;

  @PrimaryColumn({ type: 'uuid' })
  xid: string;

  @ManyToOne(() => LiTaskEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'xid', foreignKeyConstraintName: 'fk_li_task_targets_task' })
  task?: LiTaskEntity;
}
