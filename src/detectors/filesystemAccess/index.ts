/**
 * filesystemAccess: code that reads or writes files through fs and its popular wrappers.
 * Recursive deletion is marked for correlation (protestware deletes files by locale).
 */
import { at, defineDetector, reportModuleLoads } from '../../analyzer/kit.js';

const MODULES = new Set(['fs', 'fs/promises', 'fs-extra', 'graceful-fs', 'rimraf', 'del']);
const DESTRUCTIVE =
  /^(fs|fs\/promises|fs-extra|graceful-fs)\.(rm|rmSync|rmdir|rmdirSync|remove|removeSync|emptyDir|emptyDirSync)$|^(rimraf|del)(\.|$)/;

export const detector = defineDetector({
  meta: {
    id: 'filesystemAccess',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'low',
    title: 'Filesystem access',
    description: 'The code reads or writes the filesystem.',
  },
  js(file, facts, report) {
    reportModuleLoads(file, facts, report, MODULES);
    for (const c of facts.calls) {
      // Every destructive callee starts with f, g, r or d: one comparison rejects the rest.
      const first = c.callee.charCodeAt(0);
      if (first !== 0x66 && first !== 0x67 && first !== 0x72 && first !== 0x64) continue;
      if (!DESTRUCTIVE.test(c.callee)) continue;
      report({
        message: `deletes files (${c.callee})`,
        evidence: [at(file, c.start, c.end)],
        props: { module: c.callee.split('.')[0], signals: ['destructive'] },
      });
    }
  },
});
