/**
 * chronoAnomaly: semver order and publish order disagree within one release line: the version
 * just below this one in the same major line was published after it. Backports to older lines
 * are normal (1.9.1 after 2.0.0) and not flagged; a 1.4.2 published after 1.4.3 is odd, and
 * is how a compromised account slips a version in where nobody looks. Only an isolated
 * inversion counts (see MAX_INVERSIONS).
 */
import semver from 'semver';
import { defineDetector } from '../../analyzer/kit.js';
import { publishedAt } from '../../intel/times.js';
import type { Packument } from '../../registry/packument.js';

/**
 * The anomaly is an inversion in an otherwise ordered history. When many neighbouring versions
 * are out of order, the times are not publish times (a mirror that stamped its import date, a
 * registry migration) or the history is chaotic: either way one more inversion says nothing.
 */
const MAX_INVERSIONS = 0.1;

/** Share of out-of-order neighbour pairs in the same major, the pairs of `version` aside. */
function inversionShare(packument: Packument, version: string): number {
  const versions = [...packument.versions.keys()]
    .map((v) => semver.parse(v))
    .filter((v): v is semver.SemVer => v !== null)
    .sort((a, b) => a.compare(b));
  let pairs = 0;
  let inverted = 0;
  for (let i = 1; i < versions.length; i++) {
    const a = versions[i - 1] as semver.SemVer;
    const b = versions[i] as semver.SemVer;
    if (a.major !== b.major || a.version === version || b.version === version) continue;
    const ta = publishedAt(packument, a.version);
    const tb = publishedAt(packument, b.version);
    if (ta === undefined || tb === undefined) continue;
    pairs++;
    if (ta.getTime() > tb.getTime()) inverted++;
  }
  return pairs === 0 ? 0 : inverted / pairs;
}

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
    if (inversionShare(view.packument, view.version) > MAX_INVERSIONS) return;
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
