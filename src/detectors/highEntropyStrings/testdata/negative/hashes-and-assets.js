// Must not match: an integrity string, hex digests, a UUID, a data: URI, an alphabet table, identifiers and prose.
module.exports = {
  integrity: 'sha512-Zm9vYmFyYmF6cXV4Tm90QVJlYWxIYXNoQnV0TG9uZ0Vub3VnaFRvTG9va0xpa2VPbmU5OTk5OTk5OTk5OTk5',
  sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  sha1: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
  id: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  pixel: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  alphabet: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  key: 'maxConcurrentRequestsPerHostDefaultValue',
  help: 'Run the command again with --verbose to see the full request and response log',
};
