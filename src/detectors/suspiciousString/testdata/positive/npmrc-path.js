// Shows: a string naming the user's npm credentials file.
const os = require('os');
module.exports = os.homedir() + '/.npmrc';
