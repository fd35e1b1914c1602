/**
 * Content-Security-Policy checks: Google's csp_evaluator (the library behind its public
 * evaluator and Lighthouse's CSP audit) for known bypasses, plus depwarden's own promises for
 * each origin (docs/security.md). The evaluator is loaded only when the doctor runs.
 */
import type { Check } from './headers.js';

export interface ParsedCsp {
  /** The sources of one directive as written; undefined when absent. */
  directive(name: string): string[] | undefined;
  /** The sources that apply to a fetch directive, falling back to default-src. */
  effective(name: string): string[] | undefined;
  allSources(): string[];
  has(name: string): boolean;
}

/**
 * Parses a policy (several policies joined by commas are merged, the first occurrence of a
 * directive winning, as browsers do within one policy). Directive names are case-insensitive.
 */
export function parseCsp(policy: string): ParsedCsp {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(/[;,]/)) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    const name = tokens.shift()?.toLowerCase();
    if (name === undefined || directives.has(name)) continue;
    directives.set(name, tokens);
  }
  const directive = (name: string) => directives.get(name);
  return {
    directive,
    effective: (name) =>
      directive(name) ??
      (name === 'script-src-elem' || name === 'script-src-attr'
        ? directive('script-src')
        : undefined) ??
      directive('default-src'),
    allSources: () => [...directives.values()].flat(),
    has: (name) => directives.has(name),
  };
}

export interface CspFinding {
  severity: string;
  directive: string;
  description: string;
}

/** csp_evaluator's default checks; severities by the library's names (HIGH, MEDIUM, ...). */
export async function evaluateCsp(policy: string): Promise<CspFinding[]> {
  const [{ CspEvaluator }, { CspParser }, { Severity }, { Version }] = await Promise.all([
    import('csp_evaluator/dist/evaluator.js'),
    import('csp_evaluator/dist/parser.js'),
    import('csp_evaluator/dist/finding.js'),
    import('csp_evaluator/dist/csp.js'),
  ]);
  const parsed = new CspParser(policy).csp;
  return new CspEvaluator(parsed, Version.CSP3)
    .evaluate()
    .filter((f) => f.severity !== Severity.NONE)
    .sort((a, b) => a.severity - b.severity)
    .map((f) => ({
      severity: Severity[f.severity] ?? String(f.severity),
      directive: f.directive,
      description: f.description,
    }));
}

const onlyNone = (v: string[] | undefined) =>
  v !== undefined && v.length === 1 && v[0] === "'none'";
const noneOrSelf = (v: string[] | undefined) =>
  v !== undefined && v.length > 0 && v.every((s) => s === "'none'" || s === "'self'");

/** The main origin: nothing inline, nothing evaluated, nothing framed, Trusted Types on. */
export function appCspChecks(policy: string): Check[] {
  const csp = parseCsp(policy);
  const script = csp.effective('script-src') ?? [];
  const style = csp.effective('style-src') ?? [];
  const unsafe = (v: string[]) =>
    v.some(
      (s) =>
        /^'unsafe-(inline|eval|hashes)'$/.test(s) ||
        s === 'data:' ||
        s === '*' ||
        /^(https?|blob):$/.test(s),
    );
  return [
    {
      id: "default-src 'none'",
      ok: onlyNone(csp.directive('default-src')),
      detail: csp.directive('default-src')?.join(' ') ?? 'missing',
    },
    {
      id: 'scripts only from self',
      ok: csp.effective('script-src') !== undefined && !unsafe(script),
      detail: script.join(' ') || 'missing',
    },
    {
      id: 'styles only from self',
      ok: csp.effective('style-src') !== undefined && !unsafe(style),
      detail: style.join(' ') || 'missing',
    },
    {
      id: "object-src 'none'",
      ok: onlyNone(csp.effective('object-src')),
      detail: csp.effective('object-src')?.join(' ') ?? 'missing',
    },
    {
      id: "base-uri 'none'",
      ok: onlyNone(csp.directive('base-uri')),
      detail: csp.directive('base-uri')?.join(' ') ?? 'missing',
    },
    {
      id: 'form-action self or none',
      ok: noneOrSelf(csp.directive('form-action')),
      detail: csp.directive('form-action')?.join(' ') ?? 'missing',
    },
    {
      id: "frame-ancestors 'none'",
      ok: onlyNone(csp.directive('frame-ancestors')),
      detail: csp.directive('frame-ancestors')?.join(' ') ?? 'missing',
    },
    {
      id: 'upgrade-insecure-requests',
      ok: csp.has('upgrade-insecure-requests'),
      detail: csp.has('upgrade-insecure-requests') ? 'set' : 'missing',
    },
    {
      id: 'trusted types required for script',
      ok: csp.directive('require-trusted-types-for')?.includes("'script'") === true,
      detail: csp.directive('require-trusted-types-for')?.join(' ') ?? 'missing',
    },
  ];
}

/** The user-content origin: a bare sandbox, nothing loaded, nothing framed. */
export function usercontentCspChecks(policy: string): Check[] {
  const csp = parseCsp(policy);
  const sandbox = csp.directive('sandbox');
  return [
    {
      id: 'sandbox with no allow- tokens',
      ok: sandbox !== undefined && sandbox.length === 0,
      detail: sandbox === undefined ? 'missing' : `sandbox ${sandbox.join(' ')}`.trim(),
    },
    {
      id: "default-src 'none'",
      ok: onlyNone(csp.directive('default-src')),
      detail: csp.directive('default-src')?.join(' ') ?? 'missing',
    },
  ];
}
