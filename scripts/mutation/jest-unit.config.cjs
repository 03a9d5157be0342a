/**
 * The unit project of jest.config.cjs as a config of its own, for Stryker's jest runner (which
 * takes one project). scripts/mutation.mjs narrows `testRegex` to the specs of one module.
 */
const { projects } = require('../../jest.config.cjs');

const { displayName: _name, testRegex: _all, ...unit } = projects.find((p) => p.displayName === 'unit');
module.exports = unit;
