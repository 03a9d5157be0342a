import { InvalidInputError, normalizeDomain } from '@app/common';
import { ParticipantUriError, parseParticipantUri } from '@app/message-log';

/**
 * What a task intercepts: one user (a participant URI in the message log's normal form, so the
 * same person written `sip:Alice@A.example;transport=tls` or `sip:alice@a.example` is one target)
 * or every user of a member domain.
 */
export type LiTarget = { kind: 'user'; uri: string } | { kind: 'domain'; domain: string };

/** A user target from any sip/sips/xmpp/im/pres/matrix form, normalised with the message log's normaliser. */
export function userTarget(input: string, field = 'target'): LiTarget {
  try {
    return { kind: 'user', uri: parseParticipantUri(input).uri };
  } catch (error) {
    if (error instanceof ParticipantUriError) throw InvalidInputError.forField(field, error.message);
    throw error;
  }
}

/** A whole member domain (lower-case ASCII, IDNA applied). */
export function domainTarget(input: string, field = 'target'): LiTarget {
  return { kind: 'domain', domain: normalizeDomain(input, field) };
}

/** The text the blind index is computed over: distinct prefixes keep a user and a domain apart. */
export function targetIndexText(target: LiTarget): string {
  return target.kind === 'user' ? `user:${target.uri}` : `domain:${target.domain}`;
}
