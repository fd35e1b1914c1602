// Must not match: bidi controls written as escapes (i18n helpers do this); no raw control characters in the source.
const RLI = '\u2067';
const PDI = '\u2069';
module.exports = function isolate(text) {
  return RLI + text + PDI; // wraps right-to-left text for display
};
