/**
 * Dependency specs: what each entry of a package.json's dependency lists points at (a
 * registry range, an exact version, a dist-tag, an alias, git, GitHub, an http tarball, a
 * local path, a workspace link, a range with no upper bound, or nothing npm can install),
 * classified by npm-package-arg's rules without its side effects, and located by line.
 * Shared by the dependency detectors (src/detectors/*Dependency) and the `scan` command.
 */
export {
  classifyDependencySpec,
  isFullCommit,
  isRegistryKind,
  packageNameProblem,
  parseHostedGit,
  MAX_SPEC_LENGTH,
  type DependencySpec,
  type DependencySpecKind,
  type GitHost,
  type HostedGitRepository,
} from './classify.js';
export {
  declaredDependencies,
  dependencyLines,
  manifestKeyLine,
  packageDependencies,
  INSTALLED_FIELDS,
  PROJECT_FIELDS,
  installedFields,
  MAX_DEPENDENCIES_PER_FIELD,
  type DeclaredDependency,
  type DependencyField,
  type PackageContents,
} from './manifest.js';
