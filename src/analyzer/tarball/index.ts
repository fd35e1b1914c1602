/** In-memory package tarball reading with bounded sizes (see read.ts). */
export {
  readTarball,
  DEFAULT_TARBALL_LIMITS,
  type TarballLimits,
  type TarballContents,
  type TarFile,
  type TarFinding,
  type TarFindingKind,
} from './read.js';
