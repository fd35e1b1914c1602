/**
 * "package.json alone": a project with no lockfile. Its direct dependencies are all we know,
 * as ranges; they are marked unresolved (version '' and `range` set) until a later step
 * resolves them against the registry. Nothing here is reproducible, which the graph says
 * with a warning.
 */
import { problem } from '../../errors/index.js';
import { DEPENDENCY_FIELDS, type DependencyField, type Manifest } from '../../manifest/index.js';
import { classifySpec, type SpecKind } from '../internal/spec.js';
import type {
  EdgeKind,
  LockEdge,
  LockPackage,
  LockfileInput,
  LockfileParser,
  PackageSource,
  ParsedLockfile,
} from '../types.js';

const KIND_OF_FIELD: Record<DependencyField, EdgeKind> = {
  dependencies: 'prod',
  devDependencies: 'dev',
  optionalDependencies: 'optional',
  peerDependencies: 'peer',
};

const SOURCE_OF_SPEC: Record<SpecKind, PackageSource> = {
  range: 'registry',
  tag: 'registry',
  alias: 'registry',
  catalog: 'registry',
  invalid: 'registry',
  git: 'git',
  tarball: 'tarball',
  file: 'file',
  link: 'link',
  workspace: 'workspace',
};

/** Prefix of the keys of unresolved packages; the graph recognises them by it. */
export const UNRESOLVED_KEY_PREFIX = 'range:';

export const packageJsonParser: LockfileParser = {
  id: 'lockfile/package-json',
  version: 1,
  format: 'package-json',
  detect: (fileName) => fileName === 'package.json',
  parse: (input: LockfileInput): ParsedLockfile => {
    const manifest = input.manifests.get(input.path);
    const result: ParsedLockfile = {
      format: 'package-json',
      formatVersion: '',
      file: input.path,
      importers: [],
      packages: [],
      problems: [],
    };
    if (manifest === undefined || !manifest.valid) return result;
    result.importers.push({
      path: '.',
      ...(manifest.name === undefined ? {} : { name: manifest.name }),
      ...(manifest.version === undefined ? {} : { version: manifest.version }),
      dependencies: directEdges(manifest, result.packages),
    });
    if (result.packages.length > 0) {
      result.problems.push(
        problem(
          'no-lockfile',
          'warning',
          `no lockfile beside this package.json: its ${result.packages.length} direct dependencies are ranges, and the transitive tree is unknown`,
          {
            file: input.path,
            hint: 'Commit the lockfile your package manager writes so the result is reproducible.',
          },
        ),
      );
    }
    return result;
  },
};

function directEdges(manifest: Manifest, packages: LockPackage[]): LockEdge[] {
  const edges: LockEdge[] = [];
  const seen = new Map<string, LockPackage>();
  for (const field of DEPENDENCY_FIELDS) {
    for (const [alias, spec] of Object.entries(manifest[field])) {
      const classified = classifySpec(spec);
      const name = classified.aliasOf?.name ?? alias;
      const range = classified.aliasOf?.spec ?? spec;
      const key = `${UNRESOLVED_KEY_PREFIX}${name}@${range}`;
      let pkg = seen.get(key);
      if (pkg === undefined) {
        pkg = {
          key,
          name,
          version: '',
          source: SOURCE_OF_SPEC[classified.kind],
          resolved: range,
          dependencies: [],
        };
        seen.set(key, pkg);
        packages.push(pkg);
      }
      if (alias !== name && !(pkg.aliases ??= []).includes(alias)) pkg.aliases.push(alias);
      const edge: LockEdge = { name: alias, spec, kind: KIND_OF_FIELD[field], target: key };
      if (field === 'peerDependencies' && manifest.optionalPeers.has(alias)) edge.optional = true;
      edges.push(edge);
    }
  }
  return edges;
}
