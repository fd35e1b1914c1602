// Shows: a plugin loader requiring a name from configuration and importing a locale file chosen at run time.
const path = require('path');
function loadPlugins(names) {
  return names.map((name) => require(name));
}
async function loadLocale(lang) {
  return import(`./locale/${lang}.js`);
}
module.exports = { loadPlugins, loadLocale, root: path.resolve('.') };
