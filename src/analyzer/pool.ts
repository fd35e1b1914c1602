/**
 * A worker-thread pool for package analysis (default: one worker per core). Tarball bytes are
 * transferred to the worker, so a batch holds each tarball once; callers bound how many jobs
 * they queue (see cli/commands/analyze.ts), which bounds memory. A worker that dies is
 * replaced and its job fails with an error instead of hanging the batch.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalyzeInput, PackageAnalysis } from './engine.js';

interface Job {
  id: number;
  input: AnalyzeInput;
  resolve: (r: PackageAnalysis) => void;
  reject: (e: Error) => void;
}

export class AnalysisPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(readonly size = availableParallelism()) {
    for (let i = 0; i < Math.max(1, size); i++) this.idle.push(this.spawn());
  }

  analyze(input: AnalyzeInput): Promise<PackageAnalysis> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, input, resolve, reject });
      this.pump();
    });
  }

  /** Jobs waiting or running. */
  get pending(): number {
    return this.queue.length + this.busy.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.idle, ...this.busy.keys()].map((w) => w.terminate()));
  }

  private spawn(): Worker {
    const worker = import.meta.url.endsWith('.ts')
      ? // From source (tests run through tsx): load worker.ts through tsx's loader, which a
        // worker does not inherit from the parent's --import flag on every Node version.
        new Worker(
          `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); });`,
          { eval: true },
        )
      : new Worker(new URL('./worker.js', import.meta.url));
    worker.on('message', (msg: { id: number; result?: PackageAnalysis; error?: string }) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      this.idle.push(worker);
      if (job !== undefined) {
        if (msg.result !== undefined) job.resolve(msg.result);
        else job.reject(new Error(msg.error ?? 'analysis failed'));
      }
      this.pump();
    });
    worker.on('error', (err) => this.replace(worker, err));
    worker.on('exit', (code) => {
      if (!this.closed && code !== 0)
        this.replace(worker, new Error(`analysis worker exited with code ${code}`));
    });
    return worker;
  }

  private replace(worker: Worker, err: Error): void {
    const job = this.busy.get(worker);
    this.busy.delete(worker);
    const i = this.idle.indexOf(worker);
    if (i !== -1) this.idle.splice(i, 1);
    job?.reject(err);
    if (!this.closed) {
      this.idle.push(this.spawn());
      this.pump();
    }
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as Worker;
      const job = this.queue.shift() as Job;
      this.busy.set(worker, job);
      const bytes = job.input.tarball;
      // Transfer a private copy's buffer when the bytes are a view on a larger buffer.
      const own =
        bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
          ? bytes
          : bytes.slice();
      worker.postMessage({ id: job.id, input: { ...job.input, tarball: own } }, [
        own.buffer as ArrayBuffer,
      ]);
    }
  }
}
