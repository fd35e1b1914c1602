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
 *
 * Restarts: while a snapshot waits or runs, a journal entry (`<random>.pending`, the snapshot
 * sealed with a key derived from the server salt alone) and the journal index
 * (`<index>.journal`) record it; `resume()` at start reads them, computes each id again from
 * its snapshot and queues it. Entries go when the analysis ends. Without a server salt there
 * is no journal (tests, embedded use): an interrupted analysis is then re-queued by refresh.
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
  deriveJournalSecrets,
  type DerivedSecrets,
  type JournalSecrets,
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
  | { kind: 'exists'; id: string; status: ReportStatus; reportJson?: string; reason?: string };

export type StatusResult =
  { found: false } | { found: true; status: ReportStatus; reason?: string; reportJson?: string };

export class QueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('the analysis queue is full');
  }
}

function decodeFiles(body: Uint8Array): { path: string; bytes: Buffer }[] {
  return (
    JSON.parse(Buffer.from(body).toString('utf8')) as { path: string; content: string }[]
  ).map((f) => ({ path: f.path, bytes: Buffer.from(f.content, 'base64') }));
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
  private readonly journal: JournalSecrets | undefined;
  /** id → its journal entry, for the jobs of this process. */
  private readonly entries = new Map<string, string>();
  /** Index updates, one at a time. */
  private journalWrites: Promise<void> = Promise.resolve();

  constructor(private readonly o: ServiceOptions) {
    this.journal = o.serverSalt === undefined ? undefined : deriveJournalSecrets(o.serverSalt);
  }

  private async readIndex(j: JournalSecrets): Promise<string[]> {
    const sealed = await this.o.store.get(`${j.index}.journal`);
    if (sealed === undefined) return [];
    return JSON.parse(
      open(j.key, sealed, objectAad('journal', j.index)).toString('utf8'),
    ) as string[];
  }

  private updateIndex(change: (entries: string[]) => string[]): Promise<void> {
    const j = this.journal;
    if (j === undefined) return Promise.resolve();
    const next = this.journalWrites.then(async () => {
      const entries = change(await this.readIndex(j));
      await this.o.store.put(
        `${j.index}.journal`,
        seal(j.key, Buffer.from(JSON.stringify(entries)), objectAad('journal', j.index)),
      );
    });
    this.journalWrites = next.catch(() => undefined);
    return next;
  }

  /** Records a pending snapshot so a restart resumes it. */
  private async journalAdd(id: string, body: Buffer): Promise<void> {
    const j = this.journal;
    if (j === undefined || this.entries.has(id)) return;
    const entry = randomBytes(32).toString('hex');
    await this.o.store.put(`${entry}.pending`, seal(j.key, body, objectAad('pending', entry)));
    await this.updateIndex((list) => [...list, entry]);
    this.entries.set(id, entry);
  }

  private async journalRemove(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    await this.updateIndex((list) => list.filter((e) => e !== entry));
    await this.o.store.delete(`${entry}.pending`);
  }

  /**
   * Queues again every analysis the journal holds (after a restart or a crash). Returns how
   * many were resumed. Damaged entries are dropped from the journal and counted apart.
   */
  async resume(): Promise<{ resumed: number; dropped: number }> {
    const j = this.journal;
    if (j === undefined) return { resumed: 0, dropped: 0 };
    let resumed = 0;
    let dropped = 0;
    for (const entry of await this.readIndex(j)) {
      try {
        const sealed = await this.o.store.get(`${entry}.pending`);
        if (sealed === undefined) throw new Error('gone');
        const files = decodeFiles(open(j.key, sealed, objectAad('pending', entry)));
        const id = snapshotFromFiles(files).id;
        const s = this.secrets(id);
        const meta = await this.readMeta(s);
        if (meta === undefined || meta.status === 'done') throw new Error('nothing to resume');
        if (meta.status === 'running')
          await this.writeMeta(s, { ...meta, status: 'queued', updatedAt: this.now() });
        this.entries.set(id, entry);
        this.enqueue(id);
        resumed++;
      } catch {
        dropped++;
        await this.updateIndex((list) => list.filter((e) => e !== entry));
        await this.o.store.delete(`${entry}.pending`);
      }
    }
    return { resumed, dropped };
  }

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
    await this.journalAdd(id, body);
    this.enqueue(id);
    this.counters.submitted++;
    return { kind: 'created', id, status: 'queued', deleteToken: token.token };
  }

  private async existing(id: string, s: DerivedSecrets, meta: Meta): Promise<SubmitResult> {
    this.counters.existing++;
    const out: SubmitResult = { kind: 'exists', id, status: meta.status };
    if (meta.reason !== undefined) out.reason = meta.reason;
    if (meta.status === 'done') {
      const report = await this.readReport(s);
      if (report !== undefined) out.reportJson = report;
    }
    return out;
  }

  /** The report's JSON text as stored: served as is, never parsed and serialised again. */
  private async readReport(s: DerivedSecrets): Promise<string | undefined> {
    const sealed = await this.o.store.get(`${s.locator}.${REPORT}`);
    if (sealed === undefined) return undefined;
    return open(s.reportKey, sealed, objectAad(REPORT, s.locator)).toString('utf8');
  }

  /**
   * The secrets and meta of an id. A malformed id is replaced by a random one, so the store is
   * asked either way and the answer (no meta) comes after the same work as for an unknown id.
   */
  private async lookup(id: string): Promise<{ s: DerivedSecrets; meta: Meta | undefined }> {
    const valid = isSnapshotId(id);
    const s = this.secrets(valid ? id : randomBytes(32).toString('hex'));
    const meta = await this.readMeta(s).catch(() => undefined);
    return { s, meta: valid ? meta : undefined };
  }

  /**
   * The status (and report when done). Unknown, malformed and deleted ids are the same
   * `{ found: false }`, after the same work: a malformed id is replaced by a random one so
   * the store is asked either way.
   */
  async status(id: string): Promise<StatusResult> {
    const { s, meta } = await this.lookup(id);
    if (meta === undefined) return { found: false };
    const out: StatusResult = { found: true, status: meta.status };
    if (meta.reason !== undefined) out.reason = meta.reason;
    if (meta.status === 'done') {
      const report = await this.readReport(s);
      if (report !== undefined) out.reportJson = report;
    }
    return out;
  }

  /** Deletes every object of the snapshot when the bearer token is the report's or an admin's. */
  async delete(
    id: string,
    authorization: string | undefined,
  ): Promise<'deleted' | 'forbidden' | 'not-found'> {
    const { s, meta } = await this.lookup(id);
    const token = parseBearer(authorization);
    const allowed = tokenMatches(token, [
      ...this.o.adminTokenHashes,
      ...(meta === undefined ? [] : [meta.deleteTokenHash]),
    ]);
    if (meta === undefined) return 'not-found';
    if (!allowed) return 'forbidden';
    for (const kind of [REPORT, SNAPSHOT, META]) await this.o.store.delete(`${s.locator}.${kind}`);
    this.counters.deleted++;
    return 'deleted';
  }

  /** Analyses a stored snapshot again (new advisories reach old reports). */
  async refresh(id: string): Promise<StatusResult> {
    const { s, meta } = await this.lookup(id);
    if (meta === undefined) return { found: false };
    if (meta.status === 'queued' || meta.status === 'running')
      return { found: true, status: meta.status };
    if (this.queue.length >= this.o.queueLimit) throw new QueueFullError(30);
    await this.writeMeta(s, withoutReason({ ...meta, status: 'queued', updatedAt: this.now() }));
    const stored = await this.o.store.get(`${s.locator}.${SNAPSHOT}`);
    if (stored !== undefined)
      await this.journalAdd(id, open(s.snapshotKey, stored, objectAad(SNAPSHOT, s.locator)));
    this.enqueue(id);
    this.counters.refreshed++;
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
      void this.runJob(id)
        .then(() => this.journalRemove(id))
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.inFlight.delete(id);
          this.pump();
          if (this.running === 0 && this.queue.length === 0)
            for (const f of this.idle.splice(0)) f();
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
      const files = decodeFiles(open(s.snapshotKey, sealed, objectAad(SNAPSHOT, s.locator)));
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
      this.counters.done++;
    } catch (err) {
      const reason = isDepwardenError(err) ? err.message : 'internal error during the analysis';
      if ((await this.readMeta(s).catch(() => undefined)) !== undefined)
        await this.writeMeta(s, { ...meta, status: 'failed', reason, updatedAt: this.now() });
      this.counters.failed++;
    }
  }

  /** Resolves when no analysis is running or queued (tests, graceful shutdown). */
  drained(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Counters since start, for the metrics listener. */
  readonly counters = { submitted: 0, existing: 0, done: 0, failed: 0, deleted: 0, refreshed: 0 };

  get load(): { running: number; queued: number } {
    return { running: this.running, queued: this.queue.length };
  }
}
