// Shows: the child_process module name split in two so a scanner looking for require('child_process') misses it.
const cp = require('chi' + 'ld_' + 'process');
module.exports = { available: typeof cp.spawn === 'function' };
