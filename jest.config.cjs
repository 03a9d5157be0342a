/**
 * Jest 30 in ESM mode with @swc/jest (run through scripts/test.mjs, which provides
 * PostgreSQL and Redis). Three tiers as projects: unit, integration, e2e.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
  },
];
// ESM-only packages that CommonJS dependencies require(): jest (unlike Node 20.19+) cannot
// require ESM, so these few are compiled to CommonJS for the test runtime only.
const esmRequiredByCjs = ['content-disposition'];
const swcToCjs = ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }];
const libs = [
  'config',
  'db',
  'queue',
  'auth',
  'members',
  'audit',
  'testing',
  'sip',
  'xml',
  'provisioning',
  'interconnect',
  'message-log',
  'outbound',
  'chat',
  'common',
  'metrics',
  'li',
];
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': swc,
    [`/node_modules/(${esmRequiredByCjs.join('|')})/.+\\.js$`]: swcToCjs,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmRequiredByCjs.join('|')})/)`],
  moduleNameMapper: {
    ...Object.fromEntries(libs.map((l) => [`^@app/${l}$`, `<rootDir>/libs/${l}/src/index.ts`])),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/.stryker-tmp/', '<rootDir>/reports/'],
  // Stryker's sandboxes are copies of the project: not part of this one
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/', '<rootDir>/reports/'],
};
module.exports = {
  // waitFor's default deadline (30 s) must fit inside a test on a busy machine
  testTimeout: 60000,
  // Suites run one at a time in a worker process that is replaced once it holds more than this
  // after a suite: in ESM mode each suite's module graph stays reachable, and a single process
  // running all of them ran out of heap
  workerIdleMemoryLimit: '1536MB',
  projects: [
    { ...shared, displayName: 'unit', testRegex: '(?<!int-|e2e-)spec\\.ts$' },
    { ...shared, displayName: 'integration', testRegex: '\\.int-spec\\.ts$' },
    { ...shared, displayName: 'e2e', testRegex: '\\.e2e-spec\\.ts$' },
  ],
};
