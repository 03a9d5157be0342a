// Type-aware linting: no floating promises, exhaustive switches, no unused code.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const DEEP_IMPORTS = { group: ['**/libs/*/src/*', '../../libs/**'], message: 'import libraries through @app/<lib>' };
const LIBS = [
  'common',
  'config',
  'db',
  'queue',
  'audit',
  'xml',
  'sip',
  'auth',
  'members',
  'interconnect',
  'provisioning',
  'message-log',
  'outbound',
  'chat',
  'metrics',
  'li',
  'testing',
];
const DOMAIN_LIBS = ['auth', 'members', 'interconnect', 'provisioning', 'message-log', 'chat', 'li'];
/**
 * Import direction: apps → domain libraries → queue, audit → db → config and common; outbound
 * (the HTTP client) → config and common. Each
 * library names what it may import; production code never imports the test helpers. Specs are
 * exempt (they wire real dependencies, factories included).
 */
const MAY_IMPORT = {
  common: [],
  config: ['common'],
  xml: ['common'],
  sip: ['common', 'config'],
  db: ['common', 'config'],
  // queue administration records audit entries
  queue: ['common', 'config', 'db', 'audit', 'metrics'],
  // prom-client and the scrape rule only: every library may define its metrics through it
  metrics: [],
  audit: ['common', 'config', 'db'],
  outbound: ['common', 'config'],
  ...Object.fromEntries(DOMAIN_LIBS.map((lib) => [lib, LIBS.filter((other) => other !== 'testing')])),
};
const SPECS = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'];
const importDirection = [
  ...Object.entries(MAY_IMPORT).map(([lib, allowed]) => ({
    files: [`libs/${lib}/src/**/*.ts`],
    ignores: SPECS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            DEEP_IMPORTS,
            {
              group: LIBS.filter((other) => other !== lib && !allowed.includes(other)).map((other) => `@app/${other}`),
              message: `libs/${lib} may import only ${allowed.map((a) => `@app/${a}`).join(', ') || 'no other library'} (import direction: apps → domain libraries → db → config and common)`,
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['apps/*/src/**/*.ts'],
    ignores: SPECS,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [DEEP_IMPORTS, { group: ['@app/testing'], message: 'test helpers are for tests only' }] },
      ],
    },
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.data/**',
      'coverage/**',
      '**/*.cjs',
      'bench/results/**',
      '.stryker-tmp/**',
      'reports/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-restricted-imports': ['error', { patterns: [DEEP_IMPORTS] }],
    },
  },
  ...importDirection,
  {
    files: ['**/*.mjs', 'scripts/**/*.js', 'bench/**/*.js'],
    languageOptions: { globals: globals.node },
  },
);
