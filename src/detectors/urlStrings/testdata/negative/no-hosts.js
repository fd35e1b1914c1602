// Must not match: file names, a version number, an XML namespace and localhost are not hosts worth listing.
const main = 'index.js';
const manifest = 'package.json';
const version = '1.2.3';
const svgNs = 'http://www.w3.org/2000/svg';
const dev = 'http://localhost:3000';
module.exports = { main, manifest, version, svgNs, dev };
