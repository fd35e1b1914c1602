// Must not match: Function('return this') is the classic, harmless global-object idiom.
var g = Function('return this')();
module.exports = g;
