/**
 * chronoAnomaly: semver order and publish order disagree within one release line: the version
 * just below this one in the same major line was published after it. Backports to older lines
 * are normal (1.9.1 after 2.0.0) and not flagged; a 1.4.2 published after 1.4.3 is odd, and
 * is how a compromised account slips a version in where nobody looks.
 */
import semver from 'semver';
import { defineDetector } from '../../analyzer/kit.js';
import { publishedAt } from '../../intel/times.js';

export const detector = defineDetector({
  meta: {
    id: 'chronoAnomaly',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'low',
    title: 'Chronological version anomaly',
    description: 'The version below this one in the same release line was published after it.',
  },
  registry(view, report) {
    const current = semver.parse(view.version);
    const at = publishedAt(view.packument, view.version);
    if (current === null || at === undefined) return;
    let below: semver.SemVer | undefined;
    for (const v of view.packument.versions.keys()) {
      const p = semver.parse(v);
      if (p === null || p.major !== current.major || p.compare(current) >= 0) continue;
      if (below === undefined || p.compare(below) > 0) below = p;
    }
    if (below === undefined) return;
    const belowAt = publishedAt(view.packument, below.version);
    if (belowAt === undefined || belowAt.getTime() <= at.getTime()) return;
    report({
      message: `${below.version} sorts before ${view.version} but was published after it`,
      evidence: [{ file: 'package.json' }],
      props: {
        prevSemverVersion: below.version,
        prevSemverDate: belowAt.toISOString(),
        version: view.version,
        date: at.toISOString(),
      },
    });
  },
});
