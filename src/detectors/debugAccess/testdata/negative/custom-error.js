// Must not match: Error.captureStackTrace called in a custom error, a debugger statement, and v8 heap statistics.
const v8 = require('v8');
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
    Error.captureStackTrace(this, HttpError);
  }
}
function inspect(value) {
  if (process.env.DEBUG_BREAK === '1') debugger;
  return { value, heap: v8.getHeapStatistics().used_heap_size };
}
module.exports = { HttpError, inspect };
