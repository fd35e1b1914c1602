// Must not match: a byte-order mark, ZWJ inside emoji sequences and ZWNJ inside Persian words are ordinary text.
const family = '👨‍👩‍👧';
const technologist = '🧑‍💻';
const persian = 'می‌خواهم';
module.exports = { family, technologist, persian };
