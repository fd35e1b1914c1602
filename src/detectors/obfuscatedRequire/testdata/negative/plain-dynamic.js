// Must not match: truly dynamic specifiers (a variable, a path joined with a variable) and plain literal requires.
const path = require('path');
function load(name) {
  return require(name);
}
function command(file) {
  return require('./commands/' + file);
}
module.exports = { load, command, sep: path.sep };
