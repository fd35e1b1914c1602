/**
 * Validation shared by every backend: the locator grammar and the size bound.
 *
 * Why here and not in each backend: the check must happen before any storage call, the same
 * way everywhere, so a key that one backend refuses is refused by all of them.
 */
import { StoreError } from './errors.js';
import { DEFAULT_MAX_OBJECT_BYTES, MAX_OBJECT_BYTES_LIMIT } from './types.js';

/** 64 lowercase hex digits (a SHA-256 or a random 256-bit locator), then an optional suffix. */
export const KEY_PATTERN = /^[0-9a-f]{64}(\.[a-z]{1,16})?$/;

export function isValidKey(key: unknown): key is string {
  return typeof key === 'string' && KEY_PATTERN.test(key);
}

export function assertValidKey(key: unknown): asserts key is string {
  if (isValidKey(key)) return;
  // The key may be hostile: show only its length and type, never its text.
  const what = typeof key === 'string' ? `a ${key.length}-character string` : typeof key;
  throw new StoreError('STORE_KEY_INVALID', `Invalid store key (${what}).`);
}

export function assertWithinSize(size: number, maxObjectBytes: number, key: string): void {
  if (size <= maxObjectBytes) return;
  throw new StoreError(
    'STORE_OBJECT_TOO_LARGE',
    `Object ${key} is ${size} bytes, over the ${maxObjectBytes}-byte limit.`,
  );
}

export function assertBytes(bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('put expects a Uint8Array');
}

export function resolveMaxObjectBytes(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_OBJECT_BYTES;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_OBJECT_BYTES_LIMIT)
    throw new StoreError(
      'STORE_CONFIG_INVALID',
      `maxObjectBytes must be an integer from 1 to ${MAX_OBJECT_BYTES_LIMIT}.`,
    );
  return value;
}
