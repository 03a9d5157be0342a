#!/usr/bin/env node
// `npm run test:mutation`: StrykerJS on the gatekeeping modules of scripts/mutation/modules.mjs,
// one module at a time, each mutated file against its own unit specs only (jest in ESM mode,
// per-test coverage, so a mutant runs just the tests that reach it). Prints a score table and
// fails when a module scores below the break threshold.
//
//   npm run test:mutation                       every module of the fast suite (what CI runs)
//   npm run test:mutation -- safe-xml           the named modules
//   npm run test:mutation -- --suite decision   another suite (npm run test:mutation:decision)
//
// Reports: reports/mutation/<module>.html and .json. MUTATION_CONCURRENCY sets the number of
// test runner processes (default: the number of cores).
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stryker } from '@stryker-mutator/core';
import { BREAK_THRESHOLD, MUTATION_MODULES } from './mutation/modules.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const args = process.argv.slice(2);
const suiteAt = args.indexOf('--suite');
const suite = suiteAt === -1 ? 'fast' : args[suiteAt + 1];
const named = args.filter((_, i) => suiteAt === -1 || (i !== suiteAt && i !== suiteAt + 1));
const unknown = named.filter((n) => !(n in MUTATION_MODULES));
if (unknown.length > 0) {
  console.error(`unknown module ${unknown.join(', ')}; known: ${Object.keys(MUTATION_MODULES).join(', ')}`);
  process.exit(2);
}
const names = named.length > 0 ? named : Object.keys(MUTATION_MODULES).filter((n) => MUTATION_MODULES[n].suite === suite);
if (names.length === 0) {
  console.error(`no module in suite ${suite}`);
  process.exit(2);
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const concurrency = Number(process.env.MUTATION_CONCURRENCY ?? availableParallelism());

function strykerOptions(name, { mutate, specs }) {
  return {
    mutate: [mutate],
    testRunner: 'jest',
    // jest runs the ESM specs on node's VM modules, as in `npm test`
    testRunnerNodeArgs: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
    jest: {
      projectType: 'custom',
      configFile: 'scripts/mutation/jest-unit.config.cjs',
      config: {
        testRegex: specs.map((spec) => `/${escapeRegExp(spec)}$`),
        // jest maps only the specs' folders: a smaller crawl on each of the hundreds of runs
        roots: [...new Set(specs.map((spec) => `<rootDir>/${dirname(spec)}`))],
      },
      enableFindRelatedTests: false,
    },
    coverageAnalysis: 'perTest',
    concurrency,
    // the sandbox holds only what the unit specs read
    ignorePatterns: [
      '/*',
      '!/libs',
      '!/apps',
      '!/migrations',
      '!/jest.config.cjs',
      '!/scripts',
      '!/package.json',
      '!/tsconfig.json',
    ],
    tempDirName: '.stryker-tmp',
    allowConsoleColors: Boolean(process.stdout.isTTY),
    thresholds: { high: 95, low: BREAK_THRESHOLD, break: null },
    reporters: ['clear-text', 'html', 'json', process.stdout.isTTY ? 'progress' : 'progress-append-only'],
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    htmlReporter: { fileName: `reports/mutation/${name}.html` },
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
  };
}

const rows = [];
for (const name of names) {
  const started = Date.now();
  console.log(`\n== mutation testing ${name} (${MUTATION_MODULES[name].mutate})`);
  const results = await new Stryker(strykerOptions(name, MUTATION_MODULES[name])).runMutationTest();
  const count = (status) => results.filter((r) => r.status === status).length;
  const [killed, timeout, survived, noCoverage] = ['Killed', 'Timeout', 'Survived', 'NoCoverage'].map(count);
  const errors = count('CompileError') + count('RuntimeError');
  const detected = killed + timeout;
  const valid = detected + survived + noCoverage;
  const score = valid === 0 ? 100 : (100 * detected) / valid;
  rows.push({
    name,
    score,
    killed,
    timeout,
    survived,
    noCoverage,
    ignored: count('Ignored'),
    errors,
    seconds: (Date.now() - started) / 1000,
  });
}

console.log('\nmodule                 score   killed / timeout / survived / no coverage   ignored  errors   time');
for (const r of rows) {
  const counts = `${r.killed} / ${r.timeout} / ${r.survived} / ${r.noCoverage}`;
  console.log(
    `${r.name.padEnd(22)} ${r.score.toFixed(1).padStart(5)} %  ${counts.padEnd(42)} ${String(r.ignored).padStart(7)} ${String(r.errors).padStart(7)} ${r.seconds.toFixed(0).padStart(5)} s`,
  );
}
const failing = rows.filter((r) => r.score < BREAK_THRESHOLD);
if (failing.length > 0) {
  console.error(`\nbelow the ${BREAK_THRESHOLD} % break threshold: ${failing.map((r) => r.name).join(', ')}`);
  process.exit(1);
}
console.log(`\nevery module at or above the ${BREAK_THRESHOLD} % break threshold`);
