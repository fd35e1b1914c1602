/**
 * recentlyPublished: the version is younger than the soak time (default 7 days). Most
 * malicious versions are found and removed within days; waiting that long before adopting a
 * release is the cheapest defence there is.
 */
import { defineDetector } from '../../analyzer/kit.js';
import { publishedAt } from '../../intel/times.js';

const DAY_MS = 24 * 3600 * 1000;

export const detector = defineDetector({
  meta: {
    id: 'recentlyPublished',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'low',
    title: 'Recently published',
    description: 'The version was published within the soak time (default 7 days).',
  },
  registry(view, report) {
    const at = publishedAt(view.packument, view.version);
    if (at === undefined) return;
    const days = (view.now.getTime() - at.getTime()) / DAY_MS;
    if (days >= view.options.soakDays) return;
    report({
      message: `published ${days < 1 ? 'less than a day' : `${Math.floor(days)} day(s)`} ago, within the ${view.options.soakDays}-day soak time`,
      evidence: [{ file: 'package.json' }],
      props: { publishedAt: at.toISOString(), checkedAt: view.now.toISOString() },
    });
  },
});
