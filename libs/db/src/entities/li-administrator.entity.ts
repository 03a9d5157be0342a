import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A lawful-interception administrator: an authority of its own, unrelated to operators. It signs in
 * with a bearer token (only its SHA-256 is stored) or a client certificate (its SHA-256 fingerprint).
 * The first ones come from configuration (created_by null); further ones only from another one.
 */
@Entity({ name: 'li_administrators' })
export class LiAdministratorEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_li_administrators_name', { unique: true })
  @Column({ type: 'text' })
  name: string;

  @Index('uq_li_administrators_token_hash', { unique: true })
  @Column({ name: 'token_hash', type: 'bytea', nullable: true })
  tokenHash: Buffer | null;

  /** lower-case hex SHA-256 of the client certificate's DER */
  @Index('uq_li_administrators_cert_sha256', { unique: true })
  @Column({ name: 'cert_sha256', type: 'text', nullable: true })
  certSha256: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;
}
