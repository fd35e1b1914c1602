/**
 * Worker-thread entry of the analysis pool: receives tarball bytes (transferred, not copied),
 * runs the engine with every registered detector, posts the result back, one job at a time.
 * Package code is only ever data here; nothing in it is loaded or run.
 */
import { parentPort } from 'node:worker_threads';
import { DETECTORS } from '../detectors/index.js';
import { analyzePackage, type AnalyzeInput, type EngineOptions } from './engine.js';

// The pool sends the next job before this one is done (see JOBS_PER_WORKER): jobs run one
// after the other, in the order they came, never interleaved at the engine's awaits.
let previous: Promise<void> = Promise.resolve();
parentPort?.on(
  'message',
  (job: { id: number; input: AnalyzeInput; parse: EngineOptions['parse'] }) => {
    previous = previous.then(() => run(job));
  },
);

async function run(job: {
  id: number;
  input: AnalyzeInput;
  parse: EngineOptions['parse'];
}): Promise<void> {
  try {
    const result = await analyzePackage(job.input, { detectors: DETECTORS, parse: job.parse });
    parentPort?.postMessage({ id: job.id, result });
  } catch (err) {
    parentPort?.postMessage({
      id: job.id,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
