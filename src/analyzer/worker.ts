/**
 * Worker-thread entry of the analysis pool: receives tarball bytes (transferred, not copied),
 * runs the engine with every registered detector, posts the result back. Package code is only
 * ever data here; nothing in it is loaded or run.
 */
import { parentPort } from 'node:worker_threads';
import { DETECTORS } from '../detectors/index.js';
import { analyzePackage, type AnalyzeInput, type EngineOptions } from './engine.js';

parentPort?.on(
  'message',
  async (job: { id: number; input: AnalyzeInput; parse: EngineOptions['parse'] }) => {
    try {
      const result = await analyzePackage(job.input, { detectors: DETECTORS, parse: job.parse });
      parentPort?.postMessage({ id: job.id, result });
    } catch (err) {
      parentPort?.postMessage({
        id: job.id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  },
);
