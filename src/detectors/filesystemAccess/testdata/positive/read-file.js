// Shows: fs loaded to read a file.
const fs = require('fs');
module.exports = () => fs.readFileSync(__dirname + '/data.txt', 'utf8');
