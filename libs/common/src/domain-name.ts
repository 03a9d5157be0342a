import { domainToASCII } from 'node:url';
import { InvalidInputError } from './domain-errors.js';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Normalises a Peer Network domain: IDNA (UTS #46) to its A-label form, lower-cased,
 * trailing dot removed, then checked as a fully-qualified host name (at least two
 * labels, LDH rule, ≤ 253 octets, alphabetic TLD). Throws an InvalidInputError naming `field`.
 */
export function normalizeDomain(input: unknown, field = 'domain'): string {
  if (typeof input !== 'string' || input.trim() === '') {
    throw InvalidInputError.forField(field, 'must be a non-empty string');
  }
  const trimmed = input.trim().replace(/\.$/, '');
  if (/[\s/:@?#[\]\\]/.test(trimmed)) {
    throw InvalidInputError.forField(field, `'${input}' is not a domain name`);
  }
  const ascii = domainToASCII(trimmed).toLowerCase();
  if (ascii === '') {
    throw InvalidInputError.forField(field, `'${input}' is not a valid internationalised domain name`);
  }
  if (ascii.length > 253) {
    throw InvalidInputError.forField(field, 'must be at most 253 characters');
  }
  const labels = ascii.split('.');
  if (labels.length < 2) {
    throw InvalidInputError.forField(field, `'${input}' is not fully qualified`);
  }
  if (!labels.every((label) => LABEL.test(label))) {
    throw InvalidInputError.forField(field, `'${input}' has an invalid label`);
  }
  const tld = labels[labels.length - 1];
  if (!/^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(tld)) {
    throw InvalidInputError.forField(field, `'${input}' has an invalid top-level label`);
  }
  return ascii;
}
