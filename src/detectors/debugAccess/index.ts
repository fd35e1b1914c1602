/**
 * debugAccess: code that reaches into the runtime's debugging and internal machinery:
 * the `inspector` module (opens a debugger port or drives the DevTools protocol in-process),
 * `v8.setFlagsFromString` (changes engine flags at run time, e.g. `--allow-natives-syntax`),
 * `process.binding` / `process._linkedBinding` (Node internals below the public API),
 * `process._debugProcess` / `process.debugPort` (attach a debugger to a process), strings
 * holding `--inspect` or v8 flags, and assignments to `Error.prepareStackTrace` or
 * `Error.captureStackTrace`, which intercept every stack trace (used to read call sites,
 * or to hide frames). Ordinary packages rarely need any of it; a few do (source-map support,
 * profilers, test runners), hence low severity.
 *
 * `debugger` statements are not reported: they are inert unless a debugger is attached.
 * Reads of Error.captureStackTrace (calling it in custom error classes) are normal and not
 * reported; only writes are. Linear: the facts plus one regex pass for the writes.
 */
import { at, defineDetector, reportModuleLoads } from '../../analyzer/kit.js';

const MODULES = new Set(['inspector', 'inspector/promises']);
const APIS = new Map([
  ['v8.setFlagsFromString', 'changes V8 flags at run time'],
  ['process.binding', 'reads Node internal bindings'],
  ['process._linkedBinding', 'reads Node internal bindings'],
  ['process._debugProcess', 'attaches a debugger to a process'],
  ['process._debugEnd', 'attaches a debugger to a process'],
  ['process.debugPort', 'reads or sets the debugger port'],
]);
const STACK_WRITE = /\bError\.(prepareStackTrace|captureStackTrace)\s*=(?!=)/g;
const FLAG_STRING =
  /^--(?:inspect(?:-brk|-port|-publish-uid)?|allow-natives-syntax|expose[-_]internals|debug-brk)\b/;

export const detector = defineDetector({
  meta: {
    id: 'debugAccess',
    version: 2,
    category: 'supplyChainRisk',
    severity: 'low',
    title: 'Debug access',
    description: 'Uses the inspector, V8 flags, Node internal bindings or stack-trace hooks.',
  },
  js(file, facts, report) {
    reportModuleLoads(file, facts, report, MODULES);
    const seen = new Set<number>();
    const use = (path: string, start: number, end: number): void => {
      const what = APIS.get(path);
      if (what === undefined || seen.has(start)) return;
      seen.add(start);
      report({
        message: `${what} (${path})`,
        evidence: [at(file, start, end)],
        props: { module: path.split('.')[0], api: path },
      });
    };
    for (const c of facts.calls) if (APIS.has(c.callee)) use(c.callee, c.start, c.end);
    // Member reads (process.debugPort) not already seen as a call's callee.
    for (const m of facts.members) if (m.path === 'process.debugPort') use(m.path, m.start, m.end);
    STACK_WRITE.lastIndex = 0;
    // Both hooks end in `StackTrace`: files without it (nearly all) skip the regex scan.
    const hooks = file.text.includes('StackTrace');
    for (
      let m = hooks ? STACK_WRITE.exec(file.text) : null, n = 0;
      m !== null && n < 20;
      m = STACK_WRITE.exec(file.text), n++
    ) {
      report({
        message: `replaces Error.${m[1] as string}`,
        evidence: [at(file, m.index, m.index + m[0].length)],
        props: { module: 'Error', api: `Error.${m[1] as string}` },
      });
    }
    for (const s of facts.strings) {
      // Flags start with `--`: two character checks before the regex.
      if (s.value.length > 80 || s.value.charCodeAt(0) !== 0x2d || s.value.charCodeAt(1) !== 0x2d)
        continue;
      if (!FLAG_STRING.test(s.value)) continue;
      report({
        message: 'passes debugger or V8 internals flags',
        evidence: [at(file, s.start, s.end)],
        props: { flag: s.value.slice(0, 80) },
      });
    }
  },
});
