/**
 * The source text of a module load's specifier argument, for require(), require.resolve()
 * and import(): from the call facts when there are some (exact argument span), else cut from
 * the load's own text between its first `(` and last `)`. Shared by obfuscatedRequire and
 * dynamicRequire; bounded to 2,000 characters. Callers index the calls once per file.
 */
import type { CallFact, JsFacts, ModuleLoad } from '../../analyzer/js/facts.js';

const MAX = 2_000;
/** At most this many computed loads are examined per file (each may be parsed once). */
export const MAX_LOADS = 50;

export function specifierText(
  text: string,
  calls: ReadonlyMap<number, CallFact>,
  load: ModuleLoad,
): string {
  const call = calls.get(load.start);
  if (call !== undefined && call.argSpans.length > 0) {
    const [s, e] = call.argSpans[0] as [number, number];
    return text.slice(s, Math.min(e, s + MAX + 1));
  }
  const source = text.slice(load.start, Math.min(load.end, load.start + MAX + 16));
  const open = source.indexOf('(');
  const close = source.lastIndexOf(')');
  return open === -1 || close <= open ? '' : source.slice(open + 1, close).trim();
}

/** The require calls of a file by start offset. */
export function requireCalls(facts: JsFacts): Map<number, CallFact> {
  const map = new Map<number, CallFact>();
  for (const c of facts.calls)
    if (c.callee === 'require' || c.callee === 'require.resolve') map.set(c.start, c);
  return map;
}

/** Computed loads that actually load code (require and import(), not require.resolve). */
export function computedLoads(facts: JsFacts): ModuleLoad[] {
  const out: ModuleLoad[] = [];
  for (const m of facts.modules) {
    if (m.module !== undefined || (m.how !== 'require' && m.how !== 'import()')) continue;
    out.push(m);
    if (out.length >= MAX_LOADS) break;
  }
  return out;
}
