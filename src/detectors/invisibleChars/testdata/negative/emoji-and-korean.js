// Must not match: emoji with variation selectors, keycaps, a subdivision flag (tag characters) and Korean text.
const heart = '❤️';
const one = '1️⃣';
const england = '🏴󠁧󠁢󠁥󠁮󠁧󠁿';
const greeting = '안녕하세요';
module.exports = { heart, one, england, greeting };
