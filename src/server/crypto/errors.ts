/** The two coded failures of the crypto layer (codes in src/errors/codes.ts). */
import { DepwardenError } from '../../errors/index.js';

export type CryptoErrorCode = 'SNAPSHOT_ID_INVALID' | 'SEALED_DATA_INVALID';

export function cryptoError(code: CryptoErrorCode, message: string): DepwardenError {
  return new DepwardenError(code, message);
}
