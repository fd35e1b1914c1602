// Shows: the inspector module used to open a debugger port from inside the package.
const inspector = require('inspector');
module.exports = function enableRemoteDebugging() {
  inspector.open(9229, '0.0.0.0');
  return inspector.url();
};
