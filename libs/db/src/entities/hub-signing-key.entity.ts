import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The hub's signing keys; the private half is encrypted at rest (AES-256-GCM with HUB_SECRET_KEY). */
@Entity({ name: 'hub_signing_keys' })
export class HubSigningKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  kid: string;

  @Column({ type: 'varchar', length: 16 })
  alg: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: Record<string, unknown>;

  @Column({ name: 'private_key_encrypted', type: 'text' })
  privateKeyEncrypted: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** After this the key no longer signs; it stays published until its last assertion expired. */
  @Column({ name: 'retires_at', type: 'timestamptz', nullable: true })
  retiresAt: Date | null;
}
