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
  /**
   * Young-generation size per worker in MB (default 96, i.e. 32 MiB semi-spaces instead of
   * 16). The parser's AST is short-lived garbage by the megabyte: with small semi-spaces much
   * of it survives two scavenges and is promoted, then collected again by full GCs. Measured
   * on 647 tarballs of a real lockfile, single-threaded: 3-7% less CPU for the engine at 32
   * MiB, 8-10% at 64 MiB (192 here), which cost ~100 MiB more peak RSS per worker on a scan;
   * the smaller one keeps the cold scan's peak RSS clear of its 1.5 GiB budget. Never more
   * than an eighth of the old generation: a young generation near the heap limit turns a
   * worker's out-of-memory, which the pool survives, into the whole process's. Leaving smaller
   * heaps to V8's default was not enough on Node 24, whose default young generation is large
   * enough next to a 96 MiB heap that a parser bomb aborted the process in about one run in
   * five (src/analyzer/pool.test.ts); at an eighth it survived every run.
   */
  maxYoungMb?: number;
}

interface Job {
  id: number;
  input: AnalyzeInput;
  parse: EngineOptions['parse'];
  resolve: (r: PackageAnalysis) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

/**
 * Jobs handed to one worker at once: the one it runs and the next, waiting in its message
 * port. A worker then starts its next package the moment it finishes one, instead of waiting
 * for the main thread (busy fetching, parsing packuments and reading the last result) to see
 * the result and send another: on a 2-core scan that wait was a tenth of the workers' time.
 */
const JOBS_PER_WORKER = 2;

export class AnalysisPool {
  readonly size: number;
  private readonly maxHeapMb: number;
  private readonly timeoutMs: number;
  private readonly maxYoungMb: number | undefined;
  /** Each worker's jobs in the order it runs them: the first is running (and timed). */
  private readonly assigned = new Map<Worker, Job[]>();
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(options: PoolOptions | number = {}) {
    const o = typeof options === 'number' ? { size: options } : options;
    this.size = Math.max(1, o.size ?? availableParallelism());
    this.maxHeapMb = o.maxHeapMb ?? 1536;
    this.timeoutMs = o.timeoutMs ?? 120_000;
    this.maxYoungMb = o.maxYoungMb ?? Math.max(1, Math.min(96, Math.floor(this.maxHeapMb / 8)));
    for (let i = 0; i < this.size; i++) this.assigned.set(this.spawn(), []);
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
    for (const jobs of this.assigned.values()) for (const job of jobs) clearTimeout(job.timer);
    await Promise.all([...this.assigned.keys()].map((w) => w.terminate()));
  }

  private enqueue(input: AnalyzeInput, parse: EngineOptions['parse']): Promise<PackageAnalysis> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, input, parse, resolve, reject });
      this.pump();
    });
  }

  private spawn(): Worker {
    const resourceLimits = {
      maxOldGenerationSizeMb: this.maxHeapMb,
      ...(this.maxYoungMb === undefined ? {} : { maxYoungGenerationSizeMb: this.maxYoungMb }),
    };
    const worker = import.meta.url.endsWith('.ts')
      ? // From source (tests run through tsx): load worker.ts through tsx's loader, which a
        // worker does not inherit from the parent's --import flag on every Node version.
        new Worker(
          `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); });`,
          { eval: true, resourceLimits },
        )
      : new Worker(new URL('./worker.js', import.meta.url), { resourceLimits });
    worker.on('message', (msg: { id: number; result?: PackageAnalysis; error?: string }) => {
      const jobs = this.assigned.get(worker);
      const job = jobs?.[0];
      if (jobs === undefined || job === undefined || job.id !== msg.id) return;
      clearTimeout(job.timer);
      jobs.shift();
      // The worker has already started the next one; its time runs from now.
      if (jobs[0] !== undefined) this.startTimer(worker, jobs[0]);
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

  /**
   * A worker that died or timed out: fail the job it was running as exhausted, put the jobs
   * waiting behind it back at the head of the queue (they never ran), start a replacement.
   */
  private retire(worker: Worker, reason: string): void {
    const jobs = this.assigned.get(worker);
    if (jobs === undefined) return; // already retired
    this.assigned.delete(worker);
    const [running, ...waiting] = jobs;
    for (const job of jobs) clearTimeout(job.timer);
    this.queue.unshift(...waiting);
    if (running !== undefined)
      running.reject(
        running.parse === 'lexical' ? new Error(reason) : new ExhaustedError(reason, running.input),
      );
    if (!this.closed) {
      this.assigned.set(this.spawn(), []);
      this.pump();
    }
  }

  private startTimer(worker: Worker, job: Job): void {
    job.timer = setTimeout(() => {
      this.retire(worker, `no result within ${this.timeoutMs / 1000} s`);
      void worker.terminate();
    }, this.timeoutMs);
  }

  /** Hands queued jobs to the least loaded workers, up to JOBS_PER_WORKER each. */
  private pump(): void {
    for (let load = 0; load < JOBS_PER_WORKER; load++)
      for (const [worker, jobs] of this.assigned) {
        if (this.queue.length === 0) return;
        if (jobs.length !== load) continue;
        const job = this.queue.shift() as Job;
        jobs.push(job);
        if (jobs.length === 1) this.startTimer(worker, job);
        // The worker gets a copy; the job keeps its bytes for a safe-mode retry.
        const copy = new Uint8Array(job.input.tarball);
        worker.postMessage(
          { id: job.id, input: { ...job.input, tarball: copy }, parse: job.parse },
          [copy.buffer as ArrayBuffer],
        );
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
