// Must not match: path manipulation touches no file.
const path = require('path');
module.exports = (p) => path.join(__dirname, p);
