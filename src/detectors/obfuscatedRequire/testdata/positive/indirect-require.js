// Shows: require reached through process.mainModule, past the plain require() call scanners look for.
const load = (name) => process.mainModule.require(name);
module.exports = load('os');
