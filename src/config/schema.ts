/**
 * The socket.yml / socket.yaml model (schema version 2) and its defaults.
 *
 * The keys are the leading tool's, so an existing file keeps working: the ones its parser
 * accepts (`version`, `projectIgnorePaths`, `issueRules`, `githubApp.*`) and the ones only its
 * documentation names (`triggerPaths`, `githubApp.disableCommentsAndCheckRuns`,
 * `gitlabApp.*`), which its parser silently drops and we read and validate instead. Version 1
 * names are listed here too, for migration and for pointing at their version 2 spelling.
 * docs/socket-yml.md documents every key; keep the two in step.
 */

export interface GithubAppConfig {
  enabled?: boolean;
  ignoreUsers?: string[];
  projectReportsEnabled?: boolean;
  pullRequestAlertsEnabled?: boolean;
  dependencyOverviewEnabled?: boolean;
  authenticatedProjectReports?: boolean;
  disableCommentsAndCheckRuns?: boolean;
}

export interface GitlabAppConfig {
  enabled?: boolean;
  dependencyOverviewEnabled?: boolean;
  pullRequestAlertsEnabled?: boolean;
  commitStatusEnabled?: boolean;
}

export interface SocketConfig {
  version: 2;
  /** gitignore-syntax patterns, relative to the project root, excluded from the snapshot. */
  projectIgnorePaths: string[];
  /** Alert type → enabled. A null-prototype object: keys come from the file. */
  issueRules: Record<string, boolean>;
  githubApp: GithubAppConfig;
  /** gitignore-syntax patterns of changed files that trigger a PR scan (hosted apps only). */
  triggerPaths: string[];
  gitlabApp: GitlabAppConfig;
  /**
   * Our own key: SPDX ids the project allows or denies in its dependencies' licenses
   * (docs/licenses.md). Unset when the file has none.
   */
  licensePolicy?: { allow?: string[]; deny?: string[] };
  /** Our own key: risks the team accepted, each with a reason and an expiry date. */
  acceptedRisks?: AcceptedRisk[];
  /** True when the file had no `version` (or `version: 1`) and was read as version 1. */
  migratedFromV1: boolean;
}

export interface AcceptedRisk {
  /** The package name, and the versions (an exact version or a semver range) it covers. */
  name: string;
  range: string;
  /** Alert types accepted for those versions. */
  alerts: string[];
  reason: string;
  /** Last day the acceptance applies (YYYY-MM-DD, inclusive). */
  expires: string;
  /** Where the entry is written, for reports ("accepted at socket.yml:12"). */
  line: number;
}

export function defaultSocketConfig(): SocketConfig {
  return {
    version: 2,
    projectIgnorePaths: [],
    issueRules: Object.create(null) as Record<string, boolean>,
    githubApp: {},
    triggerPaths: ['*'],
    gitlabApp: {},
    migratedFromV1: false,
  };
}

export type FieldType = 'boolean' | 'string[]';

/** Keys of `githubApp`, with their types. All are optional and accept null (= unset). */
export const GITHUB_APP_FIELDS: ReadonlyMap<keyof GithubAppConfig, FieldType> = new Map<
  keyof GithubAppConfig,
  FieldType
>([
  ['enabled', 'boolean'],
  ['ignoreUsers', 'string[]'],
  ['projectReportsEnabled', 'boolean'],
  ['pullRequestAlertsEnabled', 'boolean'],
  ['dependencyOverviewEnabled', 'boolean'],
  ['authenticatedProjectReports', 'boolean'],
  ['disableCommentsAndCheckRuns', 'boolean'],
]);

/** Keys of `gitlabApp`, with their types. */
export const GITLAB_APP_FIELDS: ReadonlyMap<keyof GitlabAppConfig, FieldType> = new Map<
  keyof GitlabAppConfig,
  FieldType
>([
  ['enabled', 'boolean'],
  ['dependencyOverviewEnabled', 'boolean'],
  ['pullRequestAlertsEnabled', 'boolean'],
  ['commitStatusEnabled', 'boolean'],
]);

export const ROOT_KEYS: readonly string[] = [
  'version',
  'projectIgnorePaths',
  'issueRules',
  'githubApp',
  'triggerPaths',
  'gitlabApp',
  'licensePolicy',
  'acceptedRisks',
];

/** Version 1 top-level keys and where version 2 keeps them (`beta` was never used). */
export const V1_KEYS: ReadonlyMap<string, string | undefined> = new Map([
  ['ignore', 'projectIgnorePaths'],
  ['issues', 'issueRules'],
  ['beta', undefined],
  ['enabled', 'githubApp.enabled'],
  ['projectReportsEnabled', 'githubApp.projectReportsEnabled'],
  ['pullRequestAlertsEnabled', 'githubApp.pullRequestAlertsEnabled'],
]);
