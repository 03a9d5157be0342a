import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { type FederationMode } from '@app/common';

/** The federation-wide policy, a single row (id = 1). */
@Entity({ name: 'federation_settings' })
@Check('ck_federation_settings_singleton', 'id = 1')
@Check('ck_federation_settings_mode', `mode IN ('open', 'agreement')`)
export class FederationSettingEntity {
  @PrimaryColumn({ type: 'smallint' })
  id: number;

  @Column({ type: 'varchar', length: 16 })
  mode: FederationMode;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'updated_by', type: 'varchar', length: 255, nullable: true })
  updatedBy: string | null;
}
