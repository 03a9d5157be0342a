import { Injectable, Logger } from '@nestjs/common';
import { OperatorEntity, OperatorRepository, TransactionRunner } from '@app/db';
import {
  ActorContext,
  ConflictError,
  hashToken,
  InvalidInputError,
  issueToken,
  NotFoundError,
  systemActor,
  OperatorRole,
  OPERATOR_ROLES,
} from '@app/common';
import { AuditTrail } from '@app/audit';

export const BOOTSTRAP_OPERATOR_NAME = 'bootstrap';

/** Operator accounts. Tokens are stored as hashes and shown once on creation. */
@Injectable()
export class OperatorsService {
  private readonly logger = new Logger(OperatorsService.name);

  constructor(
    private readonly tx: TransactionRunner,
    private readonly operators: OperatorRepository,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * Makes HUB_BOOTSTRAP_OPERATOR_TOKEN the bootstrap admin's token (created or rotated). Its token
   * prefix stays empty: the token is chosen by whoever deploys the hub, not issued by it, so no part
   * of it may be shown (an issued token's prefix is the kind and a few random characters).
   */
  async ensureBootstrapOperator(token: string | undefined): Promise<void> {
    if (!token) return;
    const hash = hashToken(token);
    await this.tx.run(async (manager) => {
      await this.operators.lockName(BOOTSTRAP_OPERATOR_NAME, manager);
      const existing = await this.operators.findByName(BOOTSTRAP_OPERATOR_NAME, manager);
      if (existing?.tokenHash === hash && !existing.disabledAt) {
        // rows written before the prefix was left empty held the token's first characters
        if (existing.tokenPrefix !== '') await this.operators.save(Object.assign(existing, { tokenPrefix: '' }), manager);
        return;
      }
      const actor = systemActor('bootstrap');
      if (existing) {
        existing.tokenHash = hash;
        existing.tokenPrefix = '';
        existing.disabledAt = null;
        await this.operators.save(existing, manager);
        await this.audit.record(
          actor,
          { action: 'operator.token-rotated', targetType: 'operator', targetId: existing.id },
          manager,
        );
      } else {
        const op = await this.operators.insert(
          { name: BOOTSTRAP_OPERATOR_NAME, role: 'admin', tokenHash: hash, tokenPrefix: '', createdBy: null },
          manager,
        );
        await this.audit.record(
          actor,
          { action: 'operator.created', targetType: 'operator', targetId: op.id, details: { name: op.name, role: op.role } },
          manager,
        );
      }
      this.logger.log('bootstrap operator token installed');
    });
  }

  async create(name: string, role: string, actor: ActorContext): Promise<{ operator: OperatorEntity; token: string }> {
    if (!(OPERATOR_ROLES as readonly string[]).includes(role)) {
      throw InvalidInputError.forField('role', `must be one of ${OPERATOR_ROLES.join(', ')}`);
    }
    const issued = issueToken('operator');
    return this.tx.run(async (manager) => {
      const operator = await this.operators.insertIfNameFree(
        { name, role: role as OperatorRole, tokenHash: issued.hash, tokenPrefix: issued.prefix, createdBy: actor.id },
        manager,
      );
      if (!operator) throw new ConflictError(`an operator named ${name} already exists`);
      await this.audit.record(
        actor,
        { action: 'operator.created', targetType: 'operator', targetId: operator.id, details: { name, role } },
        manager,
      );
      return { operator, token: issued.token };
    });
  }

  list(): Promise<OperatorEntity[]> {
    return this.operators.list();
  }

  async disable(id: string, actor: ActorContext): Promise<OperatorEntity> {
    if (id === actor.id) throw new ConflictError('an operator cannot disable itself');
    return this.tx.run(async (manager) => {
      const operator = /^[0-9a-f-]{36}$/i.test(id) ? await this.operators.findById(id, manager) : null;
      if (!operator) throw new NotFoundError(`no operator with id ${id}`);
      if (operator.disabledAt) throw new ConflictError(`operator ${id} is already disabled`);
      operator.disabledAt = new Date();
      const saved = await this.operators.save(operator, manager);
      await this.audit.record(actor, { action: 'operator.disabled', targetType: 'operator', targetId: id }, manager);
      return saved;
    });
  }
}
