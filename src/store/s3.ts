/**
 * The S3 blob store: objects in a bucket under an optional prefix, through the AWS SDK, for
 * AWS itself or any S3-compatible server (custom endpoint, path-style addressing).
 *
 * Credentials come from the SDK's standard provider chain unless the configuration names a
 * static pair, so deployments use roles and environment variables, not config files.
 *
 * `ifAbsent` sends `If-None-Match: *`, which AWS (since 2024) and most compatible servers
 * honour atomically: 412 means "already there". Some servers (s3rver among them) ignore
 * the header and overwrite, so the store also checks with HEAD first and serialises the
 * writes of one key inside this process. On such servers, `ifAbsent` is exact within one
 * process and best-effort across processes (docs/storage.md).
 */
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { StoreError } from './errors.js';
import { assertBytes, assertValidKey, assertWithinSize, resolveMaxObjectBytes } from './keys.js';
import type { BlobStore, PutOptions, S3StoreConfig } from './types.js';

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const CONNECTION_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_ATTEMPTS = 3;
/** AWS answers 409 while another conditional write of the key is in flight: retry a few. */
const CONDITIONAL_CONFLICT_RETRIES = 3;
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** `/`-terminated segments, none of them `.` or `..`; nothing else reaches the key. */
const PREFIX_PATTERN = /^(?:(?!\.\.?\/)[A-Za-z0-9._-]{1,128}\/){0,16}$/;
const REGION_PATTERN = /^[a-z0-9-]{1,64}$/;

export type S3BlobStoreOptions = Omit<S3StoreConfig, 'kind'>;

export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  readonly maxObjectBytes: number;
  readonly bucket: string;
  readonly prefix: string;
  /** The SDK client, for health checks and request middleware (tests count calls with it). */
  readonly client: S3Client;
  /** Tails of the operations in flight per key: one key's writes never overlap in-process. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private closed = false;

  constructor(options: S3BlobStoreOptions) {
    const config = validateS3Options(options);
    this.maxObjectBytes = resolveMaxObjectBytes(options.maxObjectBytes);
    this.bucket = config.bucket;
    this.prefix = config.prefix;
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: config.credentials,
      maxAttempts: config.maxAttempts,
      requestHandler: {
        connectionTimeout: CONNECTION_TIMEOUT_MS,
        requestTimeout: config.requestTimeoutMs,
      },
    });
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<boolean> {
    this.assertOpen();
    assertValidKey(key);
    assertBytes(bytes);
    assertWithinSize(bytes.byteLength, this.maxObjectBytes, key);
    const ifAbsent = options.ifAbsent === true;
    return this.serialised(key, async () => {
      try {
        if (ifAbsent && (await this.exists(key))) return false;
        for (let attempt = 0; ; attempt++) {
          try {
            await this.client.send(
              new PutObjectCommand({
                Bucket: this.bucket,
                Key: this.prefix + key,
                Body: bytes,
                ContentLength: bytes.byteLength,
                ContentType: 'application/octet-stream',
                IfNoneMatch: ifAbsent ? '*' : undefined,
              }),
            );
            return true;
          } catch (error) {
            const status = httpStatus(error);
            if (ifAbsent && status === 412) return false;
            if (ifAbsent && status === 409 && attempt < CONDITIONAL_CONFLICT_RETRIES) {
              await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
              continue;
            }
            throw error;
          }
        }
      } catch (error) {
        throw asStoreError(error, `Cannot write object ${key}`);
      }
    });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.assertOpen();
    assertValidKey(key);
    let body: unknown;
    try {
      const output = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      body = output.Body;
      if (output.ContentLength !== undefined)
        assertWithinSize(output.ContentLength, this.maxObjectBytes, key);
      return await readBounded(body, this.maxObjectBytes, key);
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw asStoreError(error, `Cannot read object ${key}`);
    } finally {
      // A body left unread holds its socket; destroying a consumed one is a no-op.
      if (body instanceof Readable) body.destroy();
    }
  }

  async delete(key: string): Promise<void> {
    this.assertOpen();
    assertValidKey(key);
    await this.serialised(key, async () => {
      try {
        // S3 answers 204 whether or not the key existed: idempotent as it is.
        await this.client.send(
          new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
        );
      } catch (error) {
        throw asStoreError(error, `Cannot delete object ${key}`);
      }
    });
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.client.destroy();
    }
    return Promise.resolve();
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      return true;
    } catch (error) {
      // HEAD has no body, so a missing bucket also reads as 404; the PUT then reports it.
      if (httpStatus(error) === 404) return false;
      throw error;
    }
  }

  /** Runs `operation` after every earlier operation on `key` in this process has settled. */
  private async serialised<T>(key: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.inFlight.get(key) ?? Promise.resolve();
    const result = previous.then(operation);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.inFlight.get(key) === tail) this.inFlight.delete(key);
    }
  }

  private assertOpen(): void {
    // Use after close is our bug, not the user's: a plain Error.
    if (this.closed) throw new Error('The blob store is closed.');
  }
}

interface ValidatedS3Options {
  bucket: string;
  prefix: string;
  region: string | undefined;
  endpoint: string | undefined;
  forcePathStyle: boolean;
  credentials: S3StoreConfig['credentials'];
  requestTimeoutMs: number;
  maxAttempts: number;
}

function validateS3Options(options: S3BlobStoreOptions): ValidatedS3Options {
  const invalid = (message: string): StoreError => new StoreError('STORE_CONFIG_INVALID', message);
  const { bucket, prefix = '', region, endpoint, credentials } = options;
  if (typeof bucket !== 'string' || !BUCKET_PATTERN.test(bucket) || bucket.includes('..'))
    throw invalid('The S3 bucket name must be 3-63 characters of a-z, 0-9, "." and "-".');
  if (typeof prefix !== 'string' || prefix.length > 512 || !PREFIX_PATTERN.test(prefix))
    throw invalid(
      'The S3 prefix must be empty or "/"-terminated segments of A-Z, a-z, 0-9, ".", "_" and "-" (no "." or ".." segment).',
    );
  if (region !== undefined && (typeof region !== 'string' || !REGION_PATTERN.test(region)))
    throw invalid('The S3 region must be a region name such as eu-west-1.');
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw invalid('The S3 endpoint must be an http(s) URL.');
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password)
      throw invalid('The S3 endpoint must be an http(s) URL without user or password.');
  }
  if (credentials !== undefined) {
    const { accessKeyId, secretAccessKey, sessionToken } = credentials;
    if (
      typeof accessKeyId !== 'string' ||
      accessKeyId === '' ||
      typeof secretAccessKey !== 'string' ||
      secretAccessKey === '' ||
      (sessionToken !== undefined && typeof sessionToken !== 'string')
    )
      throw invalid('S3 credentials need a non-empty accessKeyId and secretAccessKey.');
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (
    !Number.isSafeInteger(requestTimeoutMs) ||
    requestTimeoutMs < 1 ||
    requestTimeoutMs > 3_600_000
  )
    throw invalid('requestTimeoutMs must be an integer from 1 to 3600000.');
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10)
    throw invalid('maxAttempts must be an integer from 1 to 10.');
  return {
    bucket,
    prefix,
    region,
    endpoint,
    forcePathStyle: options.forcePathStyle === true,
    credentials:
      credentials === undefined
        ? undefined
        : {
            accessKeyId: credentials.accessKeyId,
            secretAccessKey: credentials.secretAccessKey,
            sessionToken: credentials.sessionToken,
          },
    requestTimeoutMs,
    maxAttempts,
  };
}

/** Reads a response body, failing as soon as it passes `limit` bytes (whatever it declared). */
async function readBounded(body: unknown, limit: number, key: string): Promise<Uint8Array> {
  if (body === undefined) return new Uint8Array(0);
  if (!isAsyncIterable(body))
    throw new Error('The S3 client returned a body that is not a stream.');
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    if (!(chunk instanceof Uint8Array))
      throw new Error('The S3 body stream yielded a non-byte chunk.');
    total += chunk.byteLength;
    assertWithinSize(total, limit, key);
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/** NoSuchKey only: a missing bucket (also a 404) is a configuration error, not a miss. */
function isMissingKey(error: unknown): boolean {
  return error instanceof S3ServiceException && error.name === 'NoSuchKey';
}

function asStoreError(error: unknown, context: string): StoreError {
  if (error instanceof StoreError) return error;
  let reason: string;
  if (error instanceof S3ServiceException) {
    const status = error.$metadata.httpStatusCode;
    reason = `${error.name}${status === undefined ? '' : ` (HTTP ${status})`}`;
  } else if (error instanceof Error) {
    reason = error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
  } else {
    reason = String(error);
  }
  return new StoreError('STORE_UNAVAILABLE', `${context}: ${reason}.`, { cause: error });
}
