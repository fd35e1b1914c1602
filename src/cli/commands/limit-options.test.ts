// The serve flags for abuse resistance: their defaults are DEFAULT_LIMITS, each flag reaches
// its setting, and every malformed or contradictory value is a USAGE error with a hint.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDepwardenError } from '../../errors/index.js';
import { DEFAULT_LIMITS } from '../../server/limit-settings.js';
import {
  LIMIT_OPTIONS,
  formatDuration,
  limitSettingsFrom,
  parseDuration,
} from './limit-options.js';

function usageError(settings: Record<string, string>, pattern: RegExp): void {
  assert.throws(
    () => limitSettingsFrom(settings),
    (err: unknown) => {
      assert.ok(isDepwardenError(err));
      assert.equal(err.code, 'USAGE');
      assert.match(err.message, pattern);
      assert.ok(err.hint !== undefined && err.hint.length > 0);
      return true;
    },
  );
}

describe('limit options', () => {
  it('no flags give the defaults', () => {
    assert.deepEqual(limitSettingsFrom({}), { ...DEFAULT_LIMITS, trustProxy: [] });
  });

  it('each flag reaches its setting', () => {
    const s = limitSettingsFrom({
      'trust-proxy': ' 10.0.0.0/8, ::1 ,loopback',
      'rate-limit-create': '5/30s',
      'rate-limit-read': '1000 / 1m',
      'rate-limit-health': 'off',
      'headers-timeout': '2s',
      'request-timeout': '1.5m',
      'keep-alive-timeout': '500ms',
      'idle-timeout': '1h',
      'max-connections': '100',
      'max-connections-per-address': '10',
      'small-body-limit': '32KiB',
    });
    assert.deepEqual(s.trustProxy, ['10.0.0.0/8', '::1', 'loopback']);
    assert.deepEqual(s.rates.create, { max: 5, windowMs: 30_000 });
    assert.deepEqual(s.rates.read, { max: 1000, windowMs: 60_000 });
    assert.equal(s.rates.health, false);
    assert.deepEqual(s.rates.delete, DEFAULT_LIMITS.rates.delete);
    assert.equal(s.headersTimeoutMs, 2000);
    assert.equal(s.requestTimeoutMs, 90_000);
    assert.equal(s.keepAliveTimeoutMs, 500);
    assert.equal(s.idleTimeoutMs, 3_600_000);
    assert.equal(s.maxConnections, 100);
    assert.equal(s.maxConnectionsPerAddress, 10);
    assert.equal(s.smallBodyLimit, 32 * 1024);
  });

  it('a lower --max-connections lowers the default per-address cap with it', () => {
    assert.equal(limitSettingsFrom({ 'max-connections': '8' }).maxConnectionsPerAddress, 8);
  });

  it('refuses malformed and contradictory values', () => {
    usageError({ 'trust-proxy': 'proxy.example' }, /not an IP address/);
    usageError({ 'trust-proxy': '10.0.0.0/40' }, /not an IP address/);
    usageError({ 'rate-limit-create': '20' }, /<requests>\/<window>/);
    usageError({ 'rate-limit-create': '0/1m' }, /rate-limit-create/);
    usageError({ 'rate-limit-read': '10/500ms' }, /rate-limit-read/);
    usageError({ 'rate-limit-delete': '10/2d' }, /rate-limit-delete/);
    usageError({ 'headers-timeout': '10' }, /headers-timeout/);
    usageError({ 'headers-timeout': '20s', 'request-timeout': '10s' }, /must not be longer/);
    usageError({ 'request-timeout': '2h' }, /request-timeout/);
    usageError({ 'max-connections': '-1' }, /max-connections/);
    usageError({ 'max-connections-per-address': '1.5' }, /whole number/);
    usageError({ 'max-connections': '10', 'max-connections-per-address': '20' }, /must not exceed/);
    usageError({ 'small-body-limit': '10' }, /small-body-limit/);
    assert.throws(() => limitSettingsFrom({ 'trust-proxy': true as unknown as string }), /value/);
  });

  it('durations read back as they are printed, and every flag has a description', () => {
    for (const ms of [1, 500, 1000, 1500, 60_000, 90_000, 3_600_000])
      assert.equal(parseDuration(formatDuration(ms)), ms);
    assert.equal(parseDuration('1.5m'), 90_000);
    assert.equal(parseDuration('10'), undefined);
    assert.equal(parseDuration('1d'), undefined);
    const names = LIMIT_OPTIONS.map((o) => o.name);
    assert.equal(new Set(names).size, names.length);
    for (const o of LIMIT_OPTIONS) assert.ok(o.description.length > 10, o.name);
    assert.equal(
      LIMIT_OPTIONS.find((o) => o.name === 'rate-limit-create')?.default,
      `${DEFAULT_LIMITS.rates.create === false ? 'off' : DEFAULT_LIMITS.rates.create.max}/1m`,
    );
  });
});
