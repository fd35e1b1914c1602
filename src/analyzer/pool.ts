/**
 * A worker-thread pool for package analysis (default: one worker per core). Tarball bytes are
 * transferred to the worker, so a batch holds each tarball once; callers bound how many jobs
 * they queue (see cli/commands/analyze.ts), which bounds memory.
 *
 * Package code is hostile and parsers are not: a crafted file can make a parser allocate
 * gigabytes or run for minutes (e.g. thousands of syntax errors on long lines, each with a
 * code frame). Each worker therefore runs with a heap limit and each job with a time limit.
 * A job that kills its worker or runs out of time is retried once in safe mode (lexical facts,
 * no parser) on a fresh worker, and its result says so with an `analysisIncomplete` alert:
 * a package that exhausts the analyzer is itself suspicious, and hiding behind a crash must
 * not work.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalyzeInput, EngineOptions, PackageAnalysis } from './engine.js';

export interface PoolOptions {
  /** Worker threads (default: one per core). */
  size?: number;
  /** Old-generation heap limit per worker in MB (default 1536). */
  maxHeapMb?: number;
  /** Wall-clock limit per package in ms (default 120 s). */
  timeoutMs?: number;
}

interface Job {
  id: number;
  input: AnalyzeInput;
  parse: EngineOptions['parse'];
  resolve: (r: PackageAnalysis) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

export class AnalysisPool {
  readonly size: number;
  private readonly maxHeapMb: number;
  private readonly timeoutMs: number;
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(options: PoolOptions | number = {}) {
    const o = typeof options === 'number' ? { size: options } : options;
    this.size = Math.max(1, o.size ?? availableParallelism());
    this.maxHeapMb = o.maxHeapMb ?? 1536;
    this.timeoutMs = o.timeoutMs ?? 120_000;
    for (let i = 0; i < this.size; i++) this.idle.push(this.spawn());
  }

  analyze(input: AnalyzeInput): Promise<PackageAnalysis> {
    return this.enqueue(input, 'ast').catch(async (err: Error) => {
      if (!(err instanceof ExhaustedError)) throw err;
      const result = await this.enqueue(err.input, 'lexical');
      result.complete = false;
      result.alerts.unshift({
        type: 'analysisIncomplete',
        category: 'supplyChainRisk',
        severity: 'high',
        confidence: 1,
        message: `parsing exhausted the analyzer (${err.message}); analysed again without the parser`,
        evidence: [],
        props: { kind: 'parser-exhausted' },
      });
      return result;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.busy.values()) clearTimeout(job.timer);
    await Promise.all([...this.idle, ...this.busy.keys()].map((w) => w.terminate()));
  }

  private enqueue(input: AnalyzeInput, parse: EngineOptions['parse']): Promise<PackageAnalysis> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, input, parse, resolve, reject });
      this.pump();
    });
  }

  private spawn(): Worker {
    const resourceLimits = { maxOldGenerationSizeMb: this.maxHeapMb };
    const worker = import.meta.url.endsWith('.ts')
      ? // From source (tests run through tsx): load worker.ts through tsx's loader, which a
        // worker does not inherit from the parent's --import flag on every Node version.
        new Worker(
          `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); });`,
          { eval: true, resourceLimits },
        )
      : new Worker(new URL('./worker.js', import.meta.url), { resourceLimits });
    worker.on('message', (msg: { id: number; result?: PackageAnalysis; error?: string }) => {
      const job = this.busy.get(worker);
      if (job === undefined || job.id !== msg.id) return;
      clearTimeout(job.timer);
      this.busy.delete(worker);
      this.idle.push(worker);
      if (msg.result !== undefined) job.resolve(msg.result);
      else job.reject(new Error(msg.error ?? 'analysis failed'));
      this.pump();
    });
    worker.on('error', (err) => this.retire(worker, err.message));
    worker.on('exit', (code) => {
      if (!this.closed) this.retire(worker, `the worker exited with code ${code}`);
    });
    return worker;
  }

  /** A worker that died or timed out: fail its job as exhausted and start a replacement. */
  private retire(worker: Worker, reason: string): void {
    const job = this.busy.get(worker);
    this.busy.delete(worker);
    const i = this.idle.indexOf(worker);
    if (i !== -1) this.idle.splice(i, 1);
    else if (job === undefined) return; // already retired
    if (job !== undefined) {
      clearTimeout(job.timer);
      job.reject(
        job.parse === 'lexical' ? new Error(reason) : new ExhaustedError(reason, job.input),
      );
    }
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
      job.timer = setTimeout(() => {
        this.retire(worker, `no result within ${this.timeoutMs / 1000} s`);
        void worker.terminate();
      }, this.timeoutMs);
      // The worker gets a copy; the job keeps its bytes for a safe-mode retry.
      const copy = new Uint8Array(job.input.tarball);
      worker.postMessage({ id: job.id, input: { ...job.input, tarball: copy }, parse: job.parse }, [
        copy.buffer as ArrayBuffer,
      ]);
    }
  }
}

class ExhaustedError extends Error {
  constructor(
    message: string,
    readonly input: AnalyzeInput,
  ) {
    super(message);
  }
}
