/**
 * didYouMean: the package's name imitates a popular package's (src/intel/typosquat: edit
 * distance scaled to length, transpositions, doubled or dropped letters, look-alike glyphs,
 * separators, scopes, affixes, plurals, word order) and nothing says it is a legitimate
 * neighbour: it is not popular itself, it is not on the list of known neighbours, and it does
 * not share a maintainer with the package it resembles. Metadata copied from that package (its
 * repository URL, description or README) is evidence of intent and raises the severity.
 */
import { defineDetector, type Severity } from '../../analyzer/kit.js';
import {
  loadPopularIndex,
  misleadingMetadata,
  sharesOwnership,
} from '../../intel/typosquat/index.js';
import type { Packument } from '../../registry/packument.js';

export const detector = defineDetector({
  meta: {
    id: 'didYouMean',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'high',
    title: 'Possible typosquat attack',
    description: "The name is close to a popular package's; it may not be the package you meant.",
  },
  registry(view, report) {
    const match = loadPopularIndex().check(view.name);
    if (match === undefined) return;
    const target = view.related?.get(match.target);
    if (target !== undefined && sharesOwnership(owners(view.packument), owners(target))) return;
    const reasons =
      target === undefined ? [] : misleadingMetadata(metadata(view.packument), metadata(target));
    const severity: Severity = reasons.length > 0 ? 'critical' : 'high';
    report({
      message: `"${view.name}" looks like "${match.target}" (${match.technique.replace(/-/g, ' ')})${reasons.length > 0 ? `; ${reasons.join('; ')}` : ''}`,
      severity,
      confidence: match.confidence,
      evidence: [{ file: 'package.json', snippet: `${view.name} ~ ${match.target}` }],
      props: {
        alternatePackage: match.target,
        technique: match.technique,
        distance: match.distance,
        targetDownloads: match.targetDownloads,
        ...(reasons.length > 0 ? { misleading: reasons } : {}),
      },
    });
  },
});

function owners(p: Packument): string[] | undefined {
  return p.maintainers?.map((m) => m.name);
}

function metadata(p: Packument): { description?: string; readme?: string; repository?: string } {
  return {
    ...(p.description === undefined ? {} : { description: p.description }),
    ...(p.readme === undefined ? {} : { readme: p.readme }),
    ...(p.repository === undefined ? {} : { repository: p.repository }),
  };
}
