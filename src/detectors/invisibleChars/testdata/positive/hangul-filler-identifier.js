// Shows: a Hangul filler (U+3164) used as an invisible parameter name, read from the query and used later.
module.exports = function handler(req, res) {
  const { timeout, ㅤ } = req.query;
  const options = [timeout || 1000, ㅤ];
  res.end(JSON.stringify(options));
};
