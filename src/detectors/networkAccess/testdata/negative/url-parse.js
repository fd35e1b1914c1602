// Must not match: the url module parses URLs without any network I/O.
const { URL } = require('url');
module.exports = (s) => new URL(s).hostname;
