/**
 * The report service's domain logic, independent of HTTP: accept a snapshot, queue its
 * analysis, answer its status and report, delete it, refresh it.
 *
 * What is stored, per snapshot (all under the locator, a one-way hash of the id, and all
 * sealed with AES-256-GCM under keys derived from the id, see src/server/crypto):
 *   `<locator>.meta`      status, the delete token's hash, times      (report key)
 *   `<locator>.snapshot`  the snapshot files                           (snapshot key)
 *   `<locator>.report`    the JSON report, once done                   (report key)
 * The id itself is never stored: it lives in memory while a request or a job needs it.
 *
 * Why the queue is checked before anything is written: a full queue answers 503, and a
 * snapshot that was accepted (202) is never dropped.
 */
import { randomBytes } from 'node:crypto';
import { DepwardenError, isDepwardenError } from '../errors/index.js';
import type { ScanReport } from '../report/types.js';
import { snapshotFromFiles, type Snapshot } from '../snapshot/index.js';
import type { BlobStore } from '../store/index.js';
import {
  deriveSecrets,
  isSnapshotId,
  newDeleteToken,
  objectAad,
  open,
  parseBearer,
  seal,
  tokenMatches,
  type DerivedSecrets,
} from './crypto/index.js';

export type ReportStatus = 'queued' | 'running' | 'done' | 'failed';

interface Meta {
  v: 1;
  status: ReportStatus;
  reason?: string;
  deleteTokenHash: string;
  createdAt: string;
  updatedAt: string;
}

export interface ServiceOptions {
  store: BlobStore;
  /** Per-deployment secret mixed into every key and locator (docs/security.md). */
  serverSalt?: Uint8Array;
  /** SHA-256 hashes of the admin tokens (never the tokens). */
  adminTokenHashes: readonly string[];
  /** Runs the scan of a snapshot (the composition root wires the real pipeline). */
  run(snapshot: Snapshot): Promise<ScanReport>;
  /** Analyses at once. */
  concurrency: number;
  /** Snapshots waiting beyond the running ones before POST answers 503. */
  queueLimit: number;
  now?: () => Date;
}

export type SubmitResult =
  | { kind: 'created'; id: string; status: ReportStatus; deleteToken: string }
  | { kind: 'exists'; id: string; status: ReportStatus; report?: ScanReport; reason?: string };

export type StatusResult =
  { found: false } | { found: true; status: ReportStatus; reason?: string; report?: ScanReport };

export class QueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('the analysis queue is full');
  }
}

/** A meta whose status no longer carries a failure reason. */
function withoutReason(meta: Meta): Meta {
  const out = { ...meta };
  delete out.reason;
  return out;
}

const META = 'meta';
const SNAPSHOT = 'snapshot';
const REPORT = 'report';

export class ReportService {
  private readonly queue: string[] = [];
  private running = 0;
  private readonly inFlight = new Set<string>();
  private readonly idle: (() => void)[] = [];

  constructor(private readonly o: ServiceOptions) {}

  private secrets(id: string): DerivedSecrets {
    return deriveSecrets(id, this.o.serverSalt);
  }

  private now(): string {
    return (this.o.now?.() ?? new Date()).toISOString();
  }

  private async readMeta(s: DerivedSecrets): Promise<Meta | undefined> {
    const sealed = await this.o.store.get(`${s.locator}.${META}`);
    if (sealed === undefined) return undefined;
    return JSON.parse(
      open(s.reportKey, sealed, objectAad(META, s.locator)).toString('utf8'),
    ) as Meta;
  }

  private async writeMeta(s: DerivedSecrets, meta: Meta, ifAbsent = false): Promise<boolean> {
    const sealed = seal(s.reportKey, Buffer.from(JSON.stringify(meta)), objectAad(META, s.locator));
    return this.o.store.put(`${s.locator}.${META}`, sealed, { ifAbsent });
  }

  /** Accepts snapshot files (already decoded); throws DepwardenError for invalid input. */
  async submit(files: readonly { path: string; bytes: Uint8Array }[]): Promise<SubmitResult> {
    const snapshot = snapshotFromFiles(files);
    const id = snapshot.id;
    const s = this.secrets(id);
    const existing = await this.readMeta(s);
    if (existing !== undefined) return this.existing(id, s, existing);
    if (this.queue.length >= this.o.queueLimit) throw new QueueFullError(30);

    const token = newDeleteToken();
    const at = this.now();
    const meta: Meta = {
      v: 1,
      status: 'queued',
      deleteTokenHash: token.hash,
      createdAt: at,
      updatedAt: at,
    };
    // The snapshot first: a meta without its snapshot would be a report that can never run.
    const body = Buffer.from(
      JSON.stringify(
        files.map((f) => ({ path: f.path, content: Buffer.from(f.bytes).toString('base64') })),
      ),
    );
    await this.o.store.put(
      `${s.locator}.${SNAPSHOT}`,
      seal(s.snapshotKey, body, objectAad(SNAPSHOT, s.locator)),
    );
    if (!(await this.writeMeta(s, meta, true))) {
      // A concurrent identical upload won: one report, one delete token (theirs).
      const winner = await this.readMeta(s);
      if (winner !== undefined) return this.existing(id, s, winner);
    }
    this.enqueue(id);
    return { kind: 'created', id, status: 'queued', deleteToken: token.token };
  }

  private async existing(id: string, s: DerivedSecrets, meta: Meta): Promise<SubmitResult> {
    const out: SubmitResult = { kind: 'exists', id, status: meta.status };
    if (meta.reason !== undefined) out.reason = meta.reason;
    if (meta.status === 'done') {
      const report = await this.readReport(s);
      if (report !== undefined) out.report = report;
    }
    return out;
  }

  private async readReport(s: DerivedSecrets): Promise<ScanReport | undefined> {
    const sealed = await this.o.store.get(`${s.locator}.${REPORT}`);
    if (sealed === undefined) return undefined;
    return JSON.parse(
      open(s.reportKey, sealed, objectAad(REPORT, s.locator)).toString('utf8'),
    ) as ScanReport;
  }

  /**
   * The status (and report when done). Unknown, malformed and deleted ids are the same
   * `{ found: false }`, after the same work: a malformed id is replaced by a random one so
   * the store is asked either way.
   */
  async status(id: string): Promise<StatusResult> {
    const valid = isSnapshotId(id);
    const s = this.secrets(valid ? id : randomBytes(32).toString('hex'));
    const meta = await this.readMeta(s).catch(() => undefined);
    if (!valid || meta === undefined) return { found: false };
    const out: StatusResult = { found: true, status: meta.status };
    if (meta.reason !== undefined) out.reason = meta.reason;
    if (meta.status === 'done') {
      const report = await this.readReport(s);
      if (report !== undefined) out.report = report;
    }
    return out;
  }

  /** Deletes every object of the snapshot when the bearer token is the report's or an admin's. */
  async delete(
    id: string,
    authorization: string | undefined,
  ): Promise<'deleted' | 'forbidden' | 'not-found'> {
    const valid = isSnapshotId(id);
    const s = this.secrets(valid ? id : randomBytes(32).toString('hex'));
    const meta = await this.readMeta(s).catch(() => undefined);
    const token = parseBearer(authorization);
    const allowed = tokenMatches(token, [
      ...this.o.adminTokenHashes,
      ...(meta === undefined ? [] : [meta.deleteTokenHash]),
    ]);
    if (!valid || meta === undefined) return 'not-found';
    if (!allowed) return 'forbidden';
    for (const kind of [REPORT, SNAPSHOT, META]) await this.o.store.delete(`${s.locator}.${kind}`);
    return 'deleted';
  }

  /** Analyses a stored snapshot again (new advisories reach old reports). */
  async refresh(id: string): Promise<StatusResult> {
    if (!isSnapshotId(id)) return { found: false };
    const s = this.secrets(id);
    const meta = await this.readMeta(s).catch(() => undefined);
    if (meta === undefined) return { found: false };
    if (meta.status === 'queued' || meta.status === 'running')
      return { found: true, status: meta.status };
    if (this.queue.length >= this.o.queueLimit) throw new QueueFullError(30);
    await this.writeMeta(s, withoutReason({ ...meta, status: 'queued', updatedAt: this.now() }));
    this.enqueue(id);
    return { found: true, status: 'queued' };
  }

  private enqueue(id: string): void {
    if (this.inFlight.has(id)) return;
    this.inFlight.add(id);
    this.queue.push(id);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.o.concurrency && this.queue.length > 0) {
      const id = this.queue.shift() as string;
      this.running++;
      void this.runJob(id).finally(() => {
        this.running--;
        this.inFlight.delete(id);
        this.pump();
        if (this.running === 0 && this.queue.length === 0) for (const f of this.idle.splice(0)) f();
      });
    }
  }

  private async runJob(id: string): Promise<void> {
    const s = this.secrets(id);
    let meta = await this.readMeta(s).catch(() => undefined);
    if (meta === undefined) return; // deleted while queued
    meta = { ...meta, status: 'running', updatedAt: this.now() };
    await this.writeMeta(s, meta);
    try {
      const sealed = await this.o.store.get(`${s.locator}.${SNAPSHOT}`);
      if (sealed === undefined) throw new DepwardenError('USAGE', 'the stored snapshot is gone');
      const files = (
        JSON.parse(
          open(s.snapshotKey, sealed, objectAad(SNAPSHOT, s.locator)).toString('utf8'),
        ) as {
          path: string;
          content: string;
        }[]
      ).map((f) => ({ path: f.path, bytes: Buffer.from(f.content, 'base64') }));
      const report = await this.o.run(snapshotFromFiles(files));
      await this.o.store.put(
        `${s.locator}.${REPORT}`,
        seal(s.reportKey, Buffer.from(JSON.stringify(report)), objectAad(REPORT, s.locator)),
      );
      if ((await this.readMeta(s).catch(() => undefined)) === undefined) {
        // Deleted while running: take the report back out.
        await this.o.store.delete(`${s.locator}.${REPORT}`);
        return;
      }
      await this.writeMeta(s, withoutReason({ ...meta, status: 'done', updatedAt: this.now() }));
    } catch (err) {
      const reason = isDepwardenError(err) ? err.message : 'internal error during the analysis';
      if ((await this.readMeta(s).catch(() => undefined)) !== undefined)
        await this.writeMeta(s, { ...meta, status: 'failed', reason, updatedAt: this.now() });
    }
  }

  /** Resolves when no analysis is running or queued (tests, graceful shutdown). */
  drained(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  get load(): { running: number; queued: number } {
    return { running: this.running, queued: this.queue.length };
  }
}
