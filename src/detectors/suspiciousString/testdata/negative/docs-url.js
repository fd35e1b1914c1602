// Must not match: ordinary documentation URLs and words.
module.exports = { docs: 'https://example.com/docs/publishing', note: 'see the readme' };
