// Shows: module names built from char codes and from a reversed string.
const files = require(String.fromCharCode(102, 115));
const paths = require('htap'.split('').reverse().join(''));
module.exports = { exists: (p) => files.existsSync(paths.resolve(p)) };
