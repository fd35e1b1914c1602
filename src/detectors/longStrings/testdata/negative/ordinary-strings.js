// Must not match: ordinary short literals (messages, a CSS snippet) well under the long-string threshold.
const css = '.btn { color: #fff; background: #0366d6; padding: 4px 8px; border-radius: 3px; }';
const message = 'Expected a string or a buffer, got ' + typeof css;
module.exports = { css, message };
