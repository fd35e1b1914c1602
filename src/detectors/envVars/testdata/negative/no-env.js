// Must not match: no environment access at all; "process" appears only in a string.
module.exports = function describe() { return 'process.env is not read here'; };
