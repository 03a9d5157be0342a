import { domainToASCII, domainToUnicode } from 'node:url';
import { InvalidInputError } from './domain-errors.js';
import { hasLoneSurrogate, LONE_SURROGATE_REASON } from './input-checks.js';
import { labelSpoofingProblem } from './label-scripts.js';
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Normalises a Peer Network domain: IDNA (UTS #46) to its A-label form, lower-cased,
 * trailing dot removed, then checked as a fully-qualified host name (at least two
 * labels, LDH rule, ≤ 253 octets, alphabetic TLD). Internationalised labels must pass the UTS #39
 * spoofing checks (one script per label, no whole-script Latin lookalikes); a string with an
 * unpaired surrogate is refused rather than turned into U+FFFD. Throws an InvalidInputError
 * naming `field`.
 */
export function normalizeDomain(input: unknown, field = 'domain'): string {
  if (typeof input !== 'string' || input.trim() === '') {
    throw InvalidInputError.forField(field, 'must be a non-empty string');
  }
  if (hasLoneSurrogate(input)) {
    throw InvalidInputError.forField(field, LONE_SURROGATE_REASON);
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
  if (labels.some((label) => label.startsWith('xn--'))) checkSpoofing(input, ascii, field);
  return ascii;
}

/** Is `domain` (normalised) `parent` itself or one of its subdomains? */
export function isDomainOrSubdomain(domain: string, parent: string): boolean {
  return domain === parent || domain.endsWith(`.${parent}`);
}

function checkSpoofing(input: string, ascii: string, field: string): void {
  const labels = domainToUnicode(ascii).split('.');
  const tld = labels[labels.length - 1];
  for (const label of labels) {
    const problem = labelSpoofingProblem(label, tld);
    if (problem) throw InvalidInputError.forField(field, `'${input}': the label '${label}' ${problem}`);
  }
}
