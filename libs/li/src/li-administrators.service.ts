import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, hashToken, issueToken, NotFoundError } from '@app/common';
import { APP_CONFIG, type AppConfig, type LiBootstrapAdministrator } from '@app/config';
import { type LiAdministratorEntity, LiAdministratorRepository, TransactionRunner } from '@app/db';
import { LiAuditLog } from './li-audit-log.js';

/** An authenticated LI administrator (what LI services need to know of their caller). */
export interface LiAdministrator {
  id: string;
  name: string;
}

export interface LiAdministratorView extends LiAdministrator {
  hasToken: boolean;
  certSha256: string | null;
  createdBy: string | null;
  createdAt: Date;
}

export interface NewLiAdministrator {
  name: string;
  /** hex SHA-256 of the client certificate (DER) it may present instead of a token */
  certSha256?: string;
}

/**
 * The LI authority: accounts of their own, never operators. Tokens are stored as SHA-256 (they
 * carry 256 random bits, so a plain hash is a safe lookup key, as for operator tokens).
 */
@Injectable()
export class LiAdministrators {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: LiAdministratorRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: LiAuditLog,
  ) {}

  /**
   * Creates or refreshes the administrators of LI_ADMINISTRATORS (their credentials follow the
   * configuration), and disables those that came from it and were removed from it.
   */
  async ensureBootstrapAdministrators(): Promise<void> {
    const configured = this.config.li?.administrators ?? [];
    for (const admin of configured) await this.ensureBootstrap(admin);
    await this.tx.run(async (manager) => {
      const removed = await this.repository.disableConfiguredExcept(
        configured.map((a) => a.name),
        manager,
      );
      for (const admin of removed) {
        await this.audit.record(
          {
            administratorId: null,
            action: 'disable-administrator',
            outcome: 'ok',
            detail: { ...admin, reason: 'no longer in LI_ADMINISTRATORS' },
          },
          manager,
        );
      }
    });
  }

  private async ensureBootstrap(admin: LiBootstrapAdministrator): Promise<void> {
    const tokenHash = admin.tokenSha256 ? Buffer.from(admin.tokenSha256, 'hex') : null;
    const certSha256 = admin.certSha256 ?? null;
    await this.tx.run(async (manager) => {
      await this.repository.lockName(admin.name, manager);
      const existing = await this.repository.findByName(admin.name, manager);
      if (existing && !existing.disabledAt && sameBuffer(existing.tokenHash, tokenHash) && existing.certSha256 === certSha256) {
        return;
      }
      const saved = await this.repository.save(
        {
          ...(existing ?? {}),
          name: admin.name,
          tokenHash,
          certSha256,
          disabledAt: null,
          createdBy: existing?.createdBy ?? null,
        },
        manager,
      );
      await this.audit.record(
        { administratorId: null, action: 'configure-administrator', outcome: 'ok', detail: { name: saved.name, id: saved.id } },
        manager,
      );
    });
  }

  async authenticateToken(token: string): Promise<LiAdministrator | null> {
    const admin = await this.repository.findActiveByTokenHash(Buffer.from(hashToken(token), 'hex'));
    return admin ? { id: admin.id, name: admin.name } : null;
  }

  async authenticateCertificate(certSha256: string): Promise<LiAdministrator | null> {
    const admin = await this.repository.findActiveByCertSha256(certSha256.toLowerCase());
    return admin ? { id: admin.id, name: admin.name } : null;
  }

  /** A further administrator, created by an existing one; its token is returned once. */
  async create(by: LiAdministrator, input: NewLiAdministrator): Promise<{ administrator: LiAdministratorView; token: string }> {
    const issued = issueToken('liAdministrator');
    return this.tx.run(async (manager) => {
      await this.repository.lockName(input.name, manager);
      if (await this.repository.findByName(input.name, manager)) {
        await this.audit.record(
          { administratorId: by.id, action: 'create-administrator', outcome: 'conflict', detail: { name: input.name } },
          manager,
        );
        throw new ConflictError(`an LI administrator named '${input.name}' exists`);
      }
      const saved = await this.repository.save(
        {
          name: input.name,
          tokenHash: Buffer.from(issued.hash, 'hex'),
          certSha256: input.certSha256?.toLowerCase() ?? null,
          createdBy: by.id,
        },
        manager,
      );
      await this.audit.record(
        { administratorId: by.id, action: 'create-administrator', outcome: 'ok', detail: { name: saved.name, id: saved.id } },
        manager,
      );
      return { administrator: toView(saved), token: issued.token };
    });
  }

  /**
   * Disables an administrator created through the API, at once: its token and certificate stop
   * authenticating with its next request. One from LI_ADMINISTRATORS is removed there instead (a
   * restart would enable it again), and no administrator disables itself.
   */
  async disable(by: LiAdministrator, id: string): Promise<{ id: string; name: string; disabledAt: Date }> {
    return this.audit.audited({ administratorId: by.id, action: 'disable-administrator', detail: { id } }, async (manager) => {
      const admin = await this.repository.findActiveForUpdate(id, manager);
      if (!admin) throw new NotFoundError(`no active LI administrator ${id}`);
      if (admin.id === by.id) throw new ConflictError('an LI administrator cannot disable itself');
      if (admin.createdBy === null) {
        throw new ConflictError(`'${admin.name}' comes from LI_ADMINISTRATORS: remove it there and restart the hub`);
      }
      const saved = await this.repository.save({ ...admin, disabledAt: new Date() }, manager);
      return { id: saved.id, name: saved.name, disabledAt: saved.disabledAt as Date };
    });
  }

  async list(by: LiAdministrator): Promise<LiAdministratorView[]> {
    await this.audit.record({ administratorId: by.id, action: 'list-administrators', outcome: 'ok' });
    return (await this.repository.list()).filter((a) => !a.disabledAt).map(toView);
  }
}

function sameBuffer(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

function toView(admin: LiAdministratorEntity): LiAdministratorView {
  return {
    id: admin.id,
    name: admin.name,
    hasToken: admin.tokenHash !== null,
    certSha256: admin.certSha256,
    createdBy: admin.createdBy,
    createdAt: admin.createdAt,
  };
}
