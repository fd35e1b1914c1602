// Shows: code built from a string at run time with new Function.
module.exports = (body) => new Function('a', body);
