// Shows: the https module loaded and used through a destructured binding.
const { get } = require('node:https');
get('https://example.com/data.json', (res) => res.resume());
