/**
 * hasNativeCode: the package ships code static analysis cannot read: compiled Node addons
 * (`.node`), prebuilt executables and libraries (ELF, Mach-O, PE, which the engine classifies
 * as kind `native` by their magic bytes, whatever their name), WebAssembly modules, and
 * binding.gyp sources that node-gyp compiles on install. Not a verdict: it says where the
 * JavaScript-level detectors stop seeing.
 */
import { defineDetector, type Evidence } from '../../analyzer/kit.js';

/** Evidence shown per alert; the count says how many there were in all. */
const MAX_EVIDENCE = 10;

export const detector = defineDetector({
  meta: {
    id: 'hasNativeCode',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Native code',
    description:
      'The package ships native addons, prebuilt executables, WebAssembly or a binding.gyp build.',
  },
  package(pkg, report) {
    const evidence: Evidence[] = [];
    const kinds = new Set<string>();
    let count = 0;
    for (const f of pkg.files) {
      let kind: string | undefined;
      if (f.kind === 'native')
        kind = f.path.toLowerCase().endsWith('.node') ? 'addon' : 'executable';
      else if (f.kind === 'wasm') kind = 'wasm';
      // Only the root binding.gyp is built by npm's implicit `node-gyp rebuild`; a nested one
      // is built when a script asks for it, and is still native source the scan cannot read.
      else if (/(^|\/)binding\.gyp$/.test(f.path)) kind = 'binding.gyp';
      if (kind === undefined) continue;
      kinds.add(kind);
      count++;
      if (evidence.length < MAX_EVIDENCE) evidence.push({ file: f.path, snippet: kind });
    }
    if (count === 0) return;
    const list = [...kinds].sort();
    report({
      message: `ships native code (${list.join(', ')}; ${count} file${count === 1 ? '' : 's'})`,
      evidence,
      props: { kinds: list, fileCount: count },
    });
  },
});
