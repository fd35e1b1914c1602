// Shows: a URL, an IPv4 address and a bare domain in string literals, listed in props.
const api = 'https://registry.npm.example/-/v1/search?text=foo';
const fallback = '203.0.113.7';
const telemetryHost = 'metrics.collector.example';
module.exports = { api, fallback, telemetryHost };
