// Shows: a zero-width space makes a second `isValid` that looks identical to the first.
function isValid(token) {
  return typeof token === 'string' && token.length === 32;
}
function isValid​(token) {
  return true;
}
module.exports = { check: (t) => isValid​(t), isValid };
