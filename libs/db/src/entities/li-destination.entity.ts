import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Where an agency receives the records of the tasks that name it (X1 DID, chosen by the caller).
 * Its name and delivery address are sealed; a removed destination stays for the tasks' history.
 */
@Entity({ name: 'li_destinations' })
export class LiDestinationEntity {
  @PrimaryColumn({ type: 'uuid' })
  did: string;

  /** sealed {friendlyName, deliveryAddress} */
  @Column({ type: 'bytea' })
  sealed: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'modified_at', type: 'timestamptz' })
  modifiedAt: Date;

  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt: Date | null;
}
