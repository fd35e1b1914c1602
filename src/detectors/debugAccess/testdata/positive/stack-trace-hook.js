// Shows: Error.prepareStackTrace replaced to capture structured call sites, and an internal binding read.
function callSites() {
  const original = Error.prepareStackTrace;
  Error.prepareStackTrace = (_, stack) => stack;
  const stack = new Error().stack;
  Error.prepareStackTrace = original;
  return stack;
}
const natives = process.binding('natives');
module.exports = { callSites, count: Object.keys(natives).length };
