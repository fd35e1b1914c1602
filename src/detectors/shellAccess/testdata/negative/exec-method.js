// Must not match: a regular expression's exec method is not a shell.
const re = /a(b)/;
module.exports = (s) => re.exec(s);
