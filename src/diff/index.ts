/**
 * Public interface of the diff module: compare two scan reports (`depwarden diff <base>
 * <head>`) and render the result as a pull-request comment or for a terminal. The command
 * (git reading, scanning both sides) lives in the CLI; everything here is pure.
 */
export { alertIdentity, diffPackages, diffReports, type DiffLabels } from './diff.js';
export {
  renderDiffMarkdown,
  renderDiffTerminal,
  type DiffMarkdownOptions,
  type DiffTerminalOptions,
} from './render.js';
export {
  CHANGE_KIND_ORDER,
  DIFF_SCHEMA_VERSION,
  type ChangeKind,
  type DiffReport,
  type DiffSide,
  type PackageChange,
  type PackageSide,
  type ResolvedAlert,
} from './types.js';
