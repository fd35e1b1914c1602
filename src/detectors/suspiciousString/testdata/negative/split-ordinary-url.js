// Must not match: ordinary URLs assembled from pieces (a docs site and a registry-like path); folding them finds nothing suspicious.
const base = 'https://docs.example.' + 'invalid/guide';
const api = ['https://api.example.invalid', 'v2', 'items'].join('/');
module.exports = { base, api };
