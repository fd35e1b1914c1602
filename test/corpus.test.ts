// The whole pipeline on the shared corpus of real lockfiles: collect the snapshot from the
// case folder as the CLI does (only the six names are read), build the graph, and compare
// the registry name@version set with the package managers' own ground truth, exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectSnapshot } from '../src/snapshot/index.js';
import { buildGraph } from '../src/graph/index.js';
import {
  CORPUS_DIR,
  corpusCaseNames,
  loadCorpusCase,
  registryNameVersions,
} from './helpers/corpus.js';
import { join } from 'node:path';

const cases = corpusCaseNames();

test('the_corpus_is_present', () => {
  assert.ok(cases.length >= 30, `expected the shared corpus beside the repo at ${CORPUS_DIR}`);
});

for (const name of cases) {
  test(`corpus_${name.replace(/[^a-zA-Z0-9]/g, '_')}`, async () => {
    const expected = loadCorpusCase(name).expected;
    const snapshot = await collectSnapshot(join(CORPUS_DIR, name));
    const graph = buildGraph(snapshot.files);
    const registry = registryNameVersions(graph.packages);
    assert.deepEqual(registry, [...expected.registry].sort());
    const errors = graph.problems.filter((p) => p.severity === 'error');
    assert.deepEqual(errors, [], 'no error problems on real lockfiles');
    const nonRegistry = graph.packages.filter((p) => p.source !== 'registry');
    // A yarn `patch:` entry wraps a registry package that is listed unpatched too; it is not a
    // package of its own in our model, so the truth's patch entries have no counterpart.
    const expectedNonRegistry = expected.nonRegistry.filter((e) => e.type !== 'patch');
    assert.equal(
      nonRegistry.length > 0,
      expectedNonRegistry.length > 0,
      'non-registry entries found iff the truth has some',
    );
    assert.ok(
      graph.packages.every((p) => p.unresolved === undefined),
      'a lockfile resolves every package',
    );
  });
}
