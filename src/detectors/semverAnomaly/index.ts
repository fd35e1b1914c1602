/**
 * semverAnomaly: the version jumps three or more majors past the version before it, or a
 * package's first version is 90.0.0 or higher: the tell of dependency-confusion probes, which
 * publish a huge version so that it outranks a private package of the same name.
 */
import semver from 'semver';
import { defineDetector } from '../../analyzer/kit.js';
import { previousVersion } from '../../intel/history.js';

const MAJOR_JUMP = 3;
const FIRST_VERSION_MAJOR = 90;

export const detector = defineDetector({
  meta: {
    id: 'semverAnomaly',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'low',
    title: 'Semver anomaly',
    description: 'The version jumps several majors, a dependency-confusion tell.',
  },
  registry(view, report) {
    const current = semver.parse(view.version);
    if (current === null) return;
    const before = previousVersion(view.packument, view.version);
    if (before === undefined) {
      if (current.major < FIRST_VERSION_MAJOR) return;
      report({
        message: `the first version of ${view.name} is ${view.version}`,
        evidence: [{ file: 'package.json' }],
        props: { newVersion: view.version },
      });
      return;
    }
    const prev = semver.parse(before);
    if (prev === null || current.major - prev.major < MAJOR_JUMP) return;
    report({
      message: `jumps from ${before} to ${view.version}`,
      evidence: [{ file: 'package.json' }],
      props: { prevVersion: before, newVersion: view.version },
    });
  },
});
