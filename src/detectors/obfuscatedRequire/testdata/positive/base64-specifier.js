// Shows: a module name decoded from base64 inside the require call (it decodes to "os").
const sys = require(Buffer.from('b3M=', 'base64').toString());
module.exports = { platform: sys.platform() };
