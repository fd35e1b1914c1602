// Shows: V8 flags changed at run time, and a child started with --inspect-brk.
const v8 = require('v8');
v8.setFlagsFromString('--allow-natives-syntax');
module.exports = { execArgv: ['--inspect-brk', 'worker.js'] };
