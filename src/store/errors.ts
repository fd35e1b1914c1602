/** The coded errors of the blob store: DepwardenErrors with the store's own codes. */
import { DepwardenError, ERROR_CODES } from '../errors/index.js';

export type StoreErrorCode =
  'STORE_KEY_INVALID' | 'STORE_OBJECT_TOO_LARGE' | 'STORE_CONFIG_INVALID' | 'STORE_UNAVAILABLE';

export const STORE_ERROR_CODES: Readonly<Record<StoreErrorCode, string>> = {
  STORE_KEY_INVALID: ERROR_CODES.STORE_KEY_INVALID.hint,
  STORE_OBJECT_TOO_LARGE: ERROR_CODES.STORE_OBJECT_TOO_LARGE.hint,
  STORE_CONFIG_INVALID: ERROR_CODES.STORE_CONFIG_INVALID.hint,
  STORE_UNAVAILABLE: ERROR_CODES.STORE_UNAVAILABLE.hint,
};

export class StoreError extends DepwardenError {
  declare readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'StoreError';
  }
}

export function isStoreError(value: unknown): value is StoreError {
  return value instanceof StoreError;
}
