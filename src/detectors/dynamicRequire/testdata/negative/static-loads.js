// Must not match: literal specifiers (including a template without expressions) and require.resolve, which only computes a path.
const fs = require('fs');
const util = require(`util`);
function where(name) {
  return require.resolve(name);
}
module.exports = { fs, util, where, lazy: () => import('./lazy.js') };
