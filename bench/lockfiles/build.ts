/**
 * A plain-JavaScript copy of the benchmark worker and of depwarden's sources, for the child
 * processes.
 *
 * Children must not run under a TypeScript loader: tsx's hooks would sit in every `require`
 * of the peers and in our own module loading, and the cold times would measure the loader.
 * So each .ts file is transpiled alone (TypeScript's `transpileModule`: no type check, no
 * bundling; imports already carry `.js` suffixes) into a scratch folder laid out like the
 * repository, as `tsc` would emit it for `dist/`. The scratch folder gets a `package.json`
 * (`type: module`) and a `node_modules` link to the repository's, so `yaml` and `semver`
 * resolve as they do in production. A source that does not exist yet only breaks the rows
 * that import it.
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const COMPILER_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  verbatimModuleSyntax: true,
  sourceMap: false,
};

function collectSources(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'testdata' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) collectSources(full, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts'))
      out.push(full);
  }
  return out;
}

/** Transpiles src/** and bench/lockfiles/*.ts of `repoRoot` into `outDir`; returns the number of files. */
export function buildForChildren(repoRoot: string, outDir: string): number {
  const sources = [
    ...collectSources(join(repoRoot, 'src'), []),
    ...readdirSync(join(repoRoot, 'bench', 'lockfiles'))
      .filter((n) => n.endsWith('.ts'))
      .map((n) => join(repoRoot, 'bench', 'lockfiles', n)),
  ];
  for (const source of sources) {
    const output = ts.transpileModule(readFileSync(source, 'utf8'), {
      compilerOptions: COMPILER_OPTIONS,
      fileName: source,
    });
    const target = join(outDir, relative(repoRoot, source)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }
  writeFileSync(join(outDir, 'package.json'), '{ "private": true, "type": "module" }\n');
  symlinkSync(join(repoRoot, 'node_modules'), join(outDir, 'node_modules'), 'junction');
  return sources.length;
}
