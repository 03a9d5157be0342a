import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { type CredentialKind, type PinType } from '@app/common';
import { MemberEntity } from './member.entity.js';

/**
 * A member's public credential beyond API keys: a signing key (public JWK, Ed25519 or P-256)
 * or a TLS client-certificate pin (SHA-256 of the certificate or of its SubjectPublicKeyInfo).
 * Valid between notBefore and notAfter unless revoked; overlapping validity is how rotation works.
 */
@Entity({ name: 'member_credentials' })
@Index('uq_member_credentials_kid', ['memberId', 'kid'], { unique: true, where: 'kid IS NOT NULL' })
@Index('idx_member_credentials_pin', ['pinSha256'], { where: 'pin_sha256 IS NOT NULL' })
@Check('ck_member_credentials_kind', `kind IN ('jwk', 'certificate-pin')`)
export class MemberCredentialEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'member_id', type: 'uuid' })
  memberId: string;

  @ManyToOne(() => MemberEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'fk_member_credentials_member' })
  member?: MemberEntity;

  @Column({ type: 'varchar', length: 32 })
  kind: CredentialKind;

  @Column({ type: 'varchar', length: 128, nullable: true })
  kid: string | null;

  @Column({ name: 'public_jwk', type: 'jsonb', nullable: true })
  publicJwk: Record<string, unknown> | null;

  /** base64url SHA-256 */
  @Column({ name: 'pin_sha256', type: 'varchar', length: 64, nullable: true })
  pinSha256: string | null;

  @Column({ name: 'pin_type', type: 'varchar', length: 16, nullable: true })
  pinType: PinType | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  label: string | null;

  @Column({ name: 'not_before', type: 'timestamptz' })
  notBefore: Date;

  @Column({ name: 'not_after', type: 'timestamptz', nullable: true })
  notAfter: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
