// Must not match: ordinary formatted source with short lines and normal indentation.
'use strict';

/**
 * Formats a byte count for humans.
 */
function formatBytes(bytes, digits = 1) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const sign = bytes < 0 ? '-' : '';
  return `${sign}${value.toFixed(unit === 0 ? 0 : digits)} ${units[unit]}`;
}

/**
 * Parses "10s", "5m", "250ms" into milliseconds.
 */
function parseDuration(text) {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(String(text).trim());
  if (!match) throw new Error(`invalid duration: ${text}`);
  const factor = { ms: 1, s: 1000, m: 60000, h: 3600000 }[match[2] || 'ms'];
  return Math.round(parseFloat(match[1]) * factor);
}

module.exports = { formatBytes, parseDuration };
