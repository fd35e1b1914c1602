// Shows: a function named `requіre` whose `і` is Cyrillic (U+0456), shadowing the real require for one call.
function requіre(name) {
  return { name, loaded: false };
}
const fs = requіre('fs');
module.exports = fs;
