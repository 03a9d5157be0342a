/**
 * The gatekeeping modules under mutation testing: code where a wrong answer is a security hole.
 * Each entry is one module: the file Stryker mutates and the unit specs that must kill its
 * mutants (only these run, so the score says how well these specs pin the module down).
 *
 * `suite: 'fast'` modules run in CI (`npm run test:mutation`); a slow one gets its own npm
 * script. A new gatekeeping module is one more entry here (and, if slow, one more script).
 */
export const MUTATION_MODULES = {
  'record-authorization': {
    mutate: 'libs/message-log/src/record-authorization.ts',
    specs: ['libs/message-log/src/record-authorization.spec.ts'],
    suite: 'fast',
  },
  'participant-uri': {
    mutate: 'libs/message-log/src/participant-uri.ts',
    specs: ['libs/message-log/src/participant-uri.spec.ts'],
    suite: 'fast',
  },
  'safe-xml': {
    mutate: 'libs/xml/src/safe-xml.ts',
    specs: ['libs/xml/src/safe-xml.spec.ts'],
    suite: 'fast',
  },
  'li-matching': {
    mutate: 'libs/li/src/li-matching.ts',
    specs: ['libs/li/src/li-matching.spec.ts'],
    suite: 'fast',
  },
  // every mutant runs the authorization matrix (hundreds of thousands of decisions): minutes, not seconds
  decision: {
    mutate: 'libs/interconnect/src/decision.ts',
    specs: ['libs/interconnect/src/decision.spec.ts'],
    suite: 'decision',
  },
};

/** Below this mutation score (killed + timed out, of all mutants not marked equivalent) a run fails. */
export const BREAK_THRESHOLD = 90;
