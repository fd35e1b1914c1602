// Shows: a string that renders empty but holds data encoded as variation selectors (U+E0100..), decoded at run time.
const s = '⁣󠅣󠅯󠅮󠅳󠅯󠅬󠅥󠄮󠅬󠅯󠅧󠄨󠄴󠄲󠄩';
const bytes = [...s].slice(1).map((c) => c.codePointAt(0) - 0xe0100);
module.exports = Buffer.from(bytes).toString();
