import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** JWT ids of signed member requests already seen, kept until the token would have expired (replay protection). */
@Entity({ name: 'used_jtis' })
@Index('idx_used_jtis_expires', ['expiresAt'])
export class UsedJtiEntity {
  @PrimaryColumn({ type: 'varchar', length: 253 })
  issuer: string;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  jti: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
