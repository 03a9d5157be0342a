import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConflictError, InvalidInputError, NotFoundError } from '@app/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { type LiDestinationEntity, LiTaskingRepository } from '@app/db';
import type { LiAdministrator } from './li-administrators.service.js';
import { LiAuditLog } from './li-audit-log.js';
import { LiSealer } from './li-sealer.js';
import type { LiDestinationDetails, LiDestinationInput, LiDestinationSealed } from './li-task.js';
import { X1_ERROR } from './x1-error-codes.js';

/** Agencies' delivery destinations (X1 DIDs); name and address sealed at rest. */
@Injectable()
export class LiDestinations {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: LiTaskingRepository,
    private readonly sealer: LiSealer,
    private readonly audit: LiAuditLog,
  ) {}

  private audited<T>(
    by: LiAdministrator,
    action: string,
    did: string,
    context: Record<string, unknown>,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return this.audit.audited({ administratorId: by.id, action, detail: { ...context, did } }, work);
  }

  create(by: LiAdministrator, input: LiDestinationInput, context: Record<string, unknown> = {}): Promise<void> {
    return this.audited(by, 'create-destination', input.did, context, async (manager) => {
      const now = new Date();
      const inserted = await this.repository.insertDestination(
        { did: input.did, sealed: this.sealer.seal(this.sealedPart(input)), modifiedAt: now },
        manager,
      );
      if (!inserted) throw new ConflictError(`a destination with DID ${input.did} exists`, { x1ErrorCode: X1_ERROR.didExists });
    });
  }

  modify(by: LiAdministrator, input: LiDestinationInput, context: Record<string, unknown> = {}): Promise<void> {
    return this.audited(by, 'modify-destination', input.did, context, async (manager) => {
      const destination = await this.requireLive(input.did, manager);
      destination.sealed = this.sealer.seal(this.sealedPart(input));
      destination.modifiedAt = new Date();
      await this.repository.saveDestination(destination, manager);
    });
  }

  /** Refused while a task that is not deactivated names the destination. */
  remove(by: LiAdministrator, did: string, context: Record<string, unknown> = {}): Promise<void> {
    return this.audited(by, 'remove-destination', did, context, async (manager) => {
      const destination = await this.requireLive(did, manager);
      if (await this.repository.destinationInUse(did, manager)) {
        throw new ConflictError(`destination ${did} is used by a task: deactivate or modify the task first`);
      }
      const now = new Date();
      destination.removedAt = now;
      destination.modifiedAt = now;
      await this.repository.saveDestination(destination, manager);
    });
  }

  details(by: LiAdministrator, did: string, context: Record<string, unknown> = {}): Promise<LiDestinationDetails> {
    return this.audited(by, 'get-destination-details', did, context, async (manager) => {
      const destination = await this.repository.findDestination(did, manager);
      if (!destination) throw unknownDestination(did);
      return this.toDetails(destination);
    });
  }

  async list(): Promise<LiDestinationDetails[]> {
    return (await this.repository.listDestinations()).map((d) => this.toDetails(d));
  }

  /** The delivery address of a live destination, for the delivery side (null when removed or unknown). */
  async deliveryAddress(did: string): Promise<string | null> {
    const destination = await this.repository.findDestination(did);
    return destination && !destination.removedAt
      ? this.sealer.open<LiDestinationSealed>(destination.sealed).deliveryAddress
      : null;
  }

  private sealedPart(input: LiDestinationInput): LiDestinationSealed {
    return { friendlyName: input.friendlyName ?? null, deliveryAddress: this.checkedAddress(input.deliveryAddress) };
  }

  private checkedAddress(address: string): string {
    const url = URL.parse(address.trim());
    const httpAllowed = this.config.outbound.allowLoopback;
    if (!url || !(url.protocol === 'https:' || (httpAllowed && url.protocol === 'http:')) || url.username || url.password) {
      throw InvalidInputError.forField(
        'deliveryAddress',
        httpAllowed ? 'must be an http(s) URL without credentials' : 'must be an https URL without credentials',
      );
    }
    return url.href;
  }

  private async requireLive(did: string, manager: EntityManager): Promise<LiDestinationEntity> {
    const destination = await this.repository.findDestination(did, manager);
    if (!destination || destination.removedAt) throw unknownDestination(did);
    return destination;
  }

  private toDetails(destination: LiDestinationEntity): LiDestinationDetails {
    const sealed = this.sealer.open<LiDestinationSealed>(destination.sealed);
    return {
      did: destination.did,
      friendlyName: sealed.friendlyName,
      deliveryAddress: sealed.deliveryAddress,
      removed: destination.removedAt !== null,
    };
  }
}

function unknownDestination(did: string): NotFoundError {
  return new NotFoundError(`no destination with DID ${did}`, { x1ErrorCode: X1_ERROR.unknownDid });
}
