/**
 * binScriptConfusion: the package's `bin` field is ambiguous or reaches outside the package.
 *
 * - Two entries with the same name: JSON parsers keep one of the duplicate keys (which one
 *   depends on the tool), so what gets linked as the command is not what a reviewer reads.
 *   Found on the raw package.json text, since a parsed manifest has already lost them.
 * - Two names that become one command: npm links a bin under the base name of its key
 *   (`x/foo` and `foo` are both `foo`), and case-insensitive filesystems (Windows, macOS) merge
 *   `Foo` and `foo`.
 * - A name or target that escapes: `..` segments or absolute paths would link or run a file
 *   outside the package (current npm strips them; older clients and other tools do not).
 */
import { defineDetector, type Evidence, type PackageView } from '../../analyzer/kit.js';

/** Bounds: a hostile manifest cannot make the scan grow without end. */
const MAX_MANIFEST = 1024 * 1024;
const MAX_BINS = 1000;

export interface BinEntry {
  name: string;
  target: string;
}

/** The bin entries of a manifest: `bin` as a string (named after the package) or an object. */
export function binEntries(pkg: PackageView): BinEntry[] {
  const bin = pkg.manifest?.bin;
  if (typeof bin === 'string') {
    const name = typeof pkg.manifest?.name === 'string' ? pkg.manifest.name : pkg.name;
    return [{ name: name.replace(/^@[^/]*\//, ''), target: bin }];
  }
  if (typeof bin !== 'object' || bin === null || Array.isArray(bin)) return [];
  const out: BinEntry[] = [];
  for (const [name, target] of Object.entries(bin as Record<string, unknown>)) {
    if (out.length >= MAX_BINS) break;
    if (typeof target === 'string') out.push({ name, target });
  }
  return out;
}

export const detector = defineDetector({
  meta: {
    id: 'binScriptConfusion',
    version: 1,
    category: 'supplyChainRisk',
    severity: 'middle',
    title: 'Bin script confusion',
    description:
      'The bin field declares one command twice, or a command name or target outside the package.',
  },
  package(pkg, report) {
    const evidence = (snippet: string): Evidence[] => [{ file: 'package.json', snippet }];
    for (const name of duplicateBinKeys(pkg)) {
      report({
        message: `bin "${name}" is declared more than once`,
        evidence: evidence(`"bin": { "${name}": …, "${name}": … }`),
        props: { binScript: name, reason: 'duplicate' },
      });
    }
    const seen = new Map<string, string>();
    for (const { name, target } of binEntries(pkg)) {
      const command = (name.split(/[\\/]/).pop() ?? name).toLowerCase();
      const other = seen.get(command);
      if (other !== undefined && other !== name) {
        report({
          message: `bins "${other}" and "${name}" install the same command "${command}"`,
          evidence: evidence(`"${other}", "${name}"`),
          props: { binScript: name, collidesWith: other, reason: 'collision' },
        });
      } else seen.set(command, name);
      const escapes = [name, target].filter(escapesPackage);
      if (escapes.length > 0) {
        report({
          message: `bin "${name}" points outside the package (${escapes.join(', ')})`,
          evidence: evidence(`"${name}": ${JSON.stringify(target).slice(0, 120)}`),
          props: { binScript: name, target, reason: 'escape' },
        });
      }
    }
  },
});

function escapesPackage(path: string): boolean {
  return /^[\\/]|^[a-zA-Z]:|^~|(^|[\\/])\.\.([\\/]|$)/.test(path);
}

/**
 * Keys repeated inside the top-level "bin" object of the raw package.json: a linear scan of
 * the JSON text that tracks strings and nesting depth (malformed text just ends the scan).
 */
function duplicateBinKeys(pkg: PackageView): string[] {
  const file = pkg.files.find((f) => f.path === 'package.json');
  if (file?.bytes === undefined || file.bytes.length > MAX_MANIFEST) return [];
  if (typeof pkg.manifest?.bin !== 'object') return [];
  const text = new TextDecoder().decode(file.bytes);
  let depth = 0;
  let inBin = false;
  let expectKey = false;
  let lastString: string | undefined;
  let pendingBinKey = false;
  const keys = new Set<string>();
  const dups = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      let value = '';
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\') j++;
        value += text[j] ?? '';
      }
      i = j;
      lastString = value;
      pendingBinKey = false; // a string right after `"bin":` is its value, not an object
      if (inBin && depth === 2 && expectKey) {
        if (keys.has(value)) dups.add(value);
        keys.add(value);
        expectKey = false;
      }
      continue;
    }
    if (c === ':') {
      pendingBinKey = depth === 1 && lastString === 'bin';
      continue;
    }
    if (c === '{' || c === '[') {
      depth++;
      if (c === '{' && depth === 2 && pendingBinKey) {
        inBin = true;
        expectKey = true;
      }
      pendingBinKey = false;
      continue;
    }
    if (c === '}' || c === ']') {
      depth--;
      if (inBin && depth < 2) return [...dups];
      continue;
    }
    if (c === ',' && inBin && depth === 2) expectKey = true;
  }
  return [...dups];
}
