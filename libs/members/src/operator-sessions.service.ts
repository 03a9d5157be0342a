import { Injectable } from '@nestjs/common';
import { type ActorContext, hashToken, issueToken, type OperatorRole, UnauthenticatedError } from '@app/common';
import { OperatorRepository, OperatorSessionRepository, TransactionRunner } from '@app/db';
import { AuditTrail } from '@app/audit';

/** How long a browser sign-in lasts; signing in again starts a new one. */
export const OPERATOR_SESSION_HOURS = 8;

export interface OperatorSignIn {
  /** the cookie's value: shown to the browser once, stored only as a hash */
  token: string;
  expiresAt: Date;
  operator: { id: string; name: string; role: OperatorRole };
}

/**
 * Browser sign-ins of operators: an operator proves its bearer token once and gets a session
 * token for a cookie (the queue dashboard cannot send an Authorization header from a page). The
 * session ends after OPERATOR_SESSION_HOURS, at sign-out, or when its operator is disabled
 * (looked up on every request). Each sign-in is audited.
 */
@Injectable()
export class OperatorSessions {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly operators: OperatorRepository,
    private readonly sessions: OperatorSessionRepository,
    private readonly audit: AuditTrail,
  ) {}

  async signIn(operatorToken: string, actor: ActorContext, now = new Date()): Promise<OperatorSignIn> {
    const operator = await this.operators.findActiveByTokenHash(hashToken(operatorToken));
    if (!operator) throw new UnauthenticatedError('unknown or disabled operator token');
    const issued = issueToken('operatorSession');
    const expiresAt = new Date(now.getTime() + OPERATOR_SESSION_HOURS * 3_600_000);
    await this.tx.run(async (manager) => {
      await this.sessions.deleteExpired(manager);
      await this.sessions.insert({ tokenHash: issued.hash, operatorId: operator.id, expiresAt }, manager);
      await this.audit.record(
        { ...actor, type: 'operator', id: operator.id },
        {
          action: 'operator.signed-in',
          targetType: 'operator',
          targetId: operator.id,
          details: { expiresAt: expiresAt.toISOString() },
        },
        manager,
      );
    });
    return { token: issued.token, expiresAt, operator: { id: operator.id, name: operator.name, role: operator.role } };
  }

  /** Ends the session of that cookie value, if it is one. */
  async signOut(sessionToken: string): Promise<void> {
    await this.sessions.delete(hashToken(sessionToken));
  }
}
