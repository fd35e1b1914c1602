/**
 * telemetry: the package phones home: it depends on a usage-analytics SDK (Segment, PostHog,
 * Mixpanel, Amplitude, Google Analytics, Application Insights, …) or its code names such a
 * service's collection endpoint. Installing it means sending data about the user, their
 * machine or their project to a third party, usually without asking.
 *
 * When the code reads an opt-out switch (DO_NOT_TRACK, or a variable named like
 * *_TELEMETRY*, *_ANALYTICS*, *_TRACKING*), the alert says so in `note`, so the reader knows
 * how to turn it off. Only runtime dependencies count: devDependencies are never installed for
 * the package's users.
 */
import { at, defineDetector, type Evidence } from '../../analyzer/kit.js';

const SDKS = new Set([
  '@segment/analytics-node',
  'analytics-node',
  '@rudderstack/rudder-sdk-node',
  'posthog-node',
  'mixpanel',
  '@amplitude/analytics-node',
  '@amplitude/node',
  'amplitude',
  'universal-analytics',
  'insight',
  'applicationinsights',
  'keen-tracking',
  'heap-api',
  'ga4-mp',
]);

const ENDPOINT =
  /api\.segment\.io|(?:app|us\.i|eu\.i)\.posthog\.com|api(?:-eu)?\.mixpanel\.com|api2?\.amplitude\.com|google-analytics\.com\/(?:g\/|mp\/)?collect|dc\.services\.visualstudio\.com|api\.keen\.io|heapanalytics\.com\/api|plausible\.io\/api\/event/i;

/** Variables that switch telemetry off, by the conventions packages follow. */
const OPT_OUT = /^(?:DO_NOT_TRACK|[A-Z0-9_]*(?:TELEMETRY|ANALYTICS|TRACKING)[A-Z0-9_]*)$/;
const OPT_OUT_TEXT =
  /process\.env\.(DO_NOT_TRACK|[A-Z0-9_]*(?:TELEMETRY|ANALYTICS|TRACKING)[A-Z0-9_]*)\b/g;
/** Code scanned for opt-out switches by the package hook. */
const MAX_SCAN = 2 * 1024 * 1024;

export const detector = defineDetector({
  meta: {
    id: 'telemetry',
    version: 2,
    category: 'supplyChainRisk',
    severity: 'high',
    title: 'Telemetry',
    description: 'The package sends usage data to an analytics service.',
  },
  package(pkg, report) {
    const found: string[] = [];
    for (const field of ['dependencies', 'optionalDependencies']) {
      const deps = pkg.manifest?.[field];
      if (typeof deps !== 'object' || deps === null) continue;
      for (const name of Object.keys(deps))
        if (SDKS.has(name) && !found.includes(name)) found.push(name);
    }
    if (found.length === 0) return;
    // The opt-out switches the code reads, found in its text (only for packages that matched).
    const switches = new Set<string>();
    let scanned = 0;
    const decoder = new TextDecoder();
    for (const f of pkg.files) {
      if ((f.kind !== 'js' && f.kind !== 'ts') || f.bytes === undefined) continue;
      if ((scanned += f.bytes.length) > MAX_SCAN || switches.size >= 5) break;
      for (const m of decoder.decode(f.bytes).matchAll(OPT_OUT_TEXT)) switches.add(m[1] as string);
    }
    report({
      message: `depends on analytics SDK ${found.join(', ')}`,
      evidence: found.map((name) => ({ file: 'package.json', snippet: `"${name}"` })),
      props: { id: found.join(', '), sdks: found, ...note(switches) },
    });
  },
  js(file, facts, report) {
    const evidence: Evidence[] = [];
    const endpoints: string[] = [];
    for (const s of facts.strings) {
      // Every endpoint has a dot: literals without one skip the regex.
      if (s.value.length > 2048 || !s.value.includes('.')) continue;
      const m = ENDPOINT.exec(s.value);
      if (m === null) continue;
      if (!endpoints.includes(m[0].toLowerCase())) endpoints.push(m[0].toLowerCase());
      if (evidence.length < 5) evidence.push(at(file, s.start, s.end));
    }
    if (endpoints.length === 0) return;
    const switches = new Set<string>();
    for (const e of facts.env)
      if (e.name !== undefined && OPT_OUT.test(e.name)) switches.add(e.name);
    report({
      message: `sends data to analytics endpoint ${endpoints.join(', ')}`,
      evidence,
      props: { id: endpoints.join(', '), endpoints, ...note(switches) },
    });
  },
});

function note(switches: Set<string>): { note?: string; optOut?: string[] } {
  if (switches.size === 0) return {};
  const list = [...switches].sort();
  return {
    note: `the code reads ${list.join(', ')}: setting it likely turns telemetry off`,
    optOut: list,
  };
}
