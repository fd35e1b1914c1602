/**
 * socket.yml / socket.yaml reading: the leading tool's keys, read strictly.
 *
 * Grammar: one YAML 1.2 document whose root is a mapping. Version 2 (current) has `version: 2`,
 * `projectIgnorePaths`, `issueRules`, `githubApp`, `triggerPaths` and `gitlabApp`; version 1
 * (no `version` key) had `ignore`, `issues`, `beta`, `enabled`, `projectReportsEnabled` and
 * `pullRequestAlertsEnabled` at the top level. See docs/socket-yml.md and schema.ts.
 *
 * How it differs from the leading tool's parser (`@socketsecurity/config` 3.x: yaml + Ajv with
 * `removeAdditional` and type coercion), which drops what it does not understand in silence:
 * - Unknown keys are warnings with a line, a column and a "did you mean"; wrong types are
 *   errors. The rest of the file still applies (one typo never disables the whole config).
 * - The coercions it performs (a single string for a list, "true"/"false" for booleans) are
 *   accepted with a warning, so a file that works there works here.
 * - `issueRules` values that are objects (`{action: ignore}`) are an error that says per-rule
 *   objects are unsupported, where the leading tool just drops the rule.
 * - A YAML syntax error (duplicate keys included, as YAML requires unique keys) makes the
 *   whole file unusable, as there; we report every error with its position and return the
 *   defaults, and the caller decides whether that is fatal.
 *
 * The YAML document is walked node by node instead of being converted with toJS: we keep each
 * node's source range for positions, never expand an alias more than once per key (no
 * "billion laughs"), and never copy file-chosen keys into ordinary objects.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type YAMLMap,
} from 'yaml';

import { isKnownAlertType, KNOWN_ALERT_TYPES } from '../alerts/index.js';
import {
  compareProblems,
  problem,
  type Problem,
  type ProblemCode,
  type ProblemSeverity,
} from '../errors/index.js';
import { sanitize, stripBom } from '../util/text.js';
import {
  defaultSocketConfig,
  GITHUB_APP_FIELDS,
  GITLAB_APP_FIELDS,
  ROOT_KEYS,
  V1_KEYS,
  type FieldType,
  type GithubAppConfig,
  type GitlabAppConfig,
  type SocketConfig,
  type AcceptedRisk,
} from './schema.js';
import { closestMatch } from '../util/suggest.js';
import { parseLicensePolicy } from '../intel/license/index.js';
import semver from 'semver';

export interface ParsedSocketConfig {
  config: SocketConfig;
  problems: Problem[];
}

/** Problems kept per file; a machine-generated file can otherwise produce one per line. */
const MAX_PROBLEMS = 100;

const YAML11_BOOLEANS = new Set(['yes', 'no', 'on', 'off', 'y', 'n']);

/**
 * Reads socket.yml text. `path` is the file's name as problems should show it (relative to
 * the project root). Never throws on bad input: every issue is a problem with a position.
 */
export function parseSocketConfig(path: string, text: string): ParsedSocketConfig {
  return new ConfigReader(path, stripBom(text)).read();
}

/** One `key: value` pair of a mapping whose key is a plain scalar. */
interface Entry {
  key: string;
  keyNode: Node;
  /** Alias already resolved; null for an empty value (`key:`). */
  value: Node | null;
  /** Where the value is written (the alias itself, not its anchor), for positions. */
  at: Node;
}

type Where = Node | number | null | undefined;

class ConfigReader {
  private readonly problems: Problem[] = [];
  private dropped = 0;
  private readonly lineCounter = new LineCounter();
  private doc: Document.Parsed | undefined;

  constructor(
    private readonly file: string,
    private readonly text: string,
  ) {}

  read(): ParsedSocketConfig {
    const config = defaultSocketConfig();
    const doc = parseDocument(this.text, {
      lineCounter: this.lineCounter,
      uniqueKeys: true,
      prettyErrors: false,
    });
    this.doc = doc;
    for (const err of doc.errors) {
      const duplicate = err.code === 'DUPLICATE_KEY';
      const message = duplicate
        ? `Duplicate key ${quote(keyTextAt(this.text, err.pos[0]))}: YAML requires unique keys`
        : `Invalid YAML: ${sanitize(err.message, 160)}`;
      this.report(
        duplicate ? 'config-duplicate-key' : 'config-invalid-yaml',
        'error',
        message,
        err.pos[0],
        {
          hint: 'The whole file is ignored (defaults apply) until this is fixed.',
        },
      );
    }
    for (const warning of doc.warnings) {
      this.report('config-invalid-yaml', 'warning', sanitize(warning.message, 160), warning.pos[0]);
    }
    if (doc.errors.length > 0) return this.finish(config);

    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) {
      this.report('config-empty', 'warning', 'The file is empty; the defaults apply', 0, {
        hint: 'Add `version: 2` (the leading tool rejects an empty file).',
      });
      return this.finish(config);
    }
    if (!isMap(root)) {
      this.report(
        'config-wrong-type',
        'error',
        'The file must be a mapping of keys to values',
        root,
        {
          hint: 'Start with `version: 2`; see docs/socket-yml.md.',
        },
      );
      return this.finish(config);
    }

    const entries = this.entries(root, '');
    if (this.chooseVersion(root, entries) === 1) this.readV1(entries, config);
    else this.readV2(entries, config);
    return this.finish(config);
  }

  /** Decides between version 1 (migrated) and version 2, reporting what is wrong. */
  private chooseVersion(root: YAMLMap, entries: Entry[]): 1 | 2 {
    const version = entries.find((e) => e.key === 'version');
    const others = entries.filter((e) => e.key !== 'version');
    const onlyV1Keys = others.every((e) => V1_KEYS.has(e.key));
    if (version === undefined) {
      if (others.length > 0 && onlyV1Keys) {
        this.report(
          'config-version',
          'warning',
          'No `version` key: read as a version 1 file and migrated to version 2',
          root,
          { hint: 'Add `version: 2` and rename the keys as docs/socket-yml.md shows.' },
        );
        return 1;
      }
      this.report('config-version', 'error', 'socket.yml must have a version: 2', root, {
        hint: 'Add `version: 2` as the first line.',
      });
      return 2;
    }
    const value = this.readVersion(version);
    if (value !== 1) return 2;
    if (onlyV1Keys) {
      this.report(
        'config-version',
        'warning',
        'version 1 is read and migrated to version 2',
        version.at,
        {
          hint: 'Write `version: 2` and rename the keys as docs/socket-yml.md shows.',
        },
      );
      return 1;
    }
    this.report(
      'config-version',
      'error',
      'version must be 2 (this file uses version 2 keys)',
      version.at,
      {
        hint: 'Write `version: 2`.',
      },
    );
    return 2;
  }

  /** The version number (1 or 2) when it is one; problems for anything else. */
  private readVersion(entry: Entry): 1 | 2 | undefined {
    const node = entry.value;
    const raw = isScalar(node) ? node.value : undefined;
    if (raw === 2 || raw === 1) return raw;
    if (raw === '2' || raw === '1') {
      this.report(
        'config-coerced-type',
        'warning',
        `version should be a number, not the string "${raw}"`,
        entry.at,
        {
          hint: `Write version: ${raw} without quotes.`,
        },
      );
      return raw === '2' ? 2 : 1;
    }
    this.report(
      'config-version',
      'error',
      `version must be 2, found ${this.describe(node)}`,
      entry.at,
      {
        hint: 'Write `version: 2`.',
      },
    );
    return undefined;
  }

  private readV1(entries: Entry[], config: SocketConfig): void {
    config.migratedFromV1 = true;
    const app = config.githubApp;
    for (const e of entries) {
      switch (e.key) {
        case 'ignore':
          config.projectIgnorePaths = this.stringList(e, 'ignore', config.projectIgnorePaths);
          break;
        case 'issues':
          config.issueRules = this.issueRules(e, 'issues');
          break;
        case 'beta': // read for its type, then dropped, as the leading tool does
          this.boolean(e, 'beta');
          break;
        case 'enabled':
        case 'projectReportsEnabled':
        case 'pullRequestAlertsEnabled':
          app[e.key] = this.boolean(e, e.key);
          break;
        default: // 'version'
          break;
      }
    }
    // Version 1 defaulted these to true; the leading tool materialises them on migration.
    app.enabled ??= true;
    app.projectReportsEnabled ??= true;
    app.pullRequestAlertsEnabled ??= true;
  }

  private readV2(entries: Entry[], config: SocketConfig): void {
    for (const e of entries) {
      switch (e.key) {
        case 'version':
          break;
        case 'projectIgnorePaths':
          config.projectIgnorePaths = this.stringList(e, e.key, config.projectIgnorePaths);
          break;
        case 'issueRules':
          config.issueRules = this.issueRules(e, e.key);
          break;
        case 'githubApp':
          config.githubApp = this.section(e, GITHUB_APP_FIELDS) as GithubAppConfig;
          break;
        case 'triggerPaths':
          config.triggerPaths = this.stringList(e, e.key, config.triggerPaths);
          break;
        case 'gitlabApp':
          config.gitlabApp = this.section(e, GITLAB_APP_FIELDS) as GitlabAppConfig;
          break;
        case 'licensePolicy':
          config.licensePolicy = this.licensePolicy(e);
          break;
        case 'acceptedRisks':
          config.acceptedRisks = this.acceptedRisks(e);
          break;
        default:
          this.unknownKey(e, '', ROOT_KEYS);
      }
    }
  }

  /**
   * `githubApp` / `gitlabApp`: only the listed fields are copied, into a fresh object, so a
   * key from the file never becomes a property name of ours.
   */
  private section<K extends string>(
    entry: Entry,
    fields: ReadonlyMap<K, FieldType>,
  ): Partial<Record<K, boolean | string[]>> {
    const out: Partial<Record<K, boolean | string[]>> = {};
    const node = entry.value;
    if (node === null || (isScalar(node) && node.value === null)) return out;
    if (!isMap(node)) {
      this.wrongType(entry.key, 'a mapping', node, entry.at);
      return out;
    }
    for (const e of this.entries(node, `${entry.key}.`)) {
      const type = fields.get(e.key as K);
      const path = `${entry.key}.${e.key}`;
      if (type === undefined) {
        this.unknownKey(e, `${entry.key}.`, [...fields.keys()]);
        continue;
      }
      const value =
        type === 'boolean' ? this.boolean(e, path) : this.stringList(e, path, undefined);
      if (value !== undefined) out[e.key as K] = value;
    }
    return out;
  }

  /** A boolean (null means unset: undefined). "true"/"false" strings are coerced, with a warning. */
  private boolean(entry: Entry, path: string): boolean | undefined {
    const node = entry.value;
    if (node === null) return undefined;
    const raw = isScalar(node) ? node.value : undefined;
    if (raw === null) return undefined;
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === 'false') {
      this.report(
        'config-coerced-type',
        'warning',
        `${path} should be a boolean, not the string "${raw}"`,
        entry.at,
        {
          hint: `Write ${raw} without quotes.`,
        },
      );
      return raw === 'true';
    }
    const yaml11 = typeof raw === 'string' && YAML11_BOOLEANS.has(raw.toLowerCase());
    this.wrongType(
      path,
      'true or false',
      node,
      entry.at,
      yaml11 ? 'YAML 1.2 reads yes/no/on/off as strings; write true or false.' : undefined,
    );
    return undefined;
  }

  /**
   * A list of strings. A single string is read as a one-item list with a warning (the leading
   * tool coerces it silently); non-string items are errors and left out. Returns `fallback`
   * when the value is unusable.
   */
  private stringList<T extends string[] | undefined>(
    entry: Entry,
    path: string,
    fallback: T,
  ): string[] | T {
    const node = entry.value;
    if (node === null || (isScalar(node) && node.value === null)) {
      this.report(
        'config-wrong-type',
        'warning',
        `${path} has no value; treated as an empty list`,
        entry.at,
      );
      return [];
    }
    if (isScalar(node) && typeof node.value === 'string') {
      this.report(
        'config-coerced-type',
        'warning',
        `${path} should be a list; the single string is read as a one-item list`,
        entry.at,
        {
          hint: `Write it as a list item: "- ${sanitize(node.value, 60)}".`,
        },
      );
      return [node.value];
    }
    if (!isSeq(node)) {
      this.wrongType(path, 'a list of strings', node, entry.at);
      return fallback;
    }
    const out: string[] = [];
    node.items.forEach((item, index) => {
      const value = this.resolve(item as Node | null);
      if (value === undefined) return;
      if (isScalar(value) && typeof value.value === 'string') out.push(value.value);
      else
        this.wrongType(
          `${path}[${index}]`,
          'a string',
          value,
          (item as Node | null) ?? entry.at,
          'Quote the pattern.',
        );
    });
    return out;
  }

  /**
   * `licensePolicy` (ours): `allow` and `deny`, lists of SPDX license ids. An id that is not
   * one is reported where it is written, with the corrected id as a suggestion, and left out.
   */
  private licensePolicy(entry: Entry): { allow?: string[]; deny?: string[] } {
    const out: { allow?: string[]; deny?: string[] } = {};
    const node = entry.value;
    if (node === null || (isScalar(node) && node.value === null)) return out;
    if (!isMap(node)) {
      this.wrongType(entry.key, 'a mapping with allow and/or deny lists', node, entry.at);
      return out;
    }
    for (const e of this.entries(node, 'licensePolicy.')) {
      if (e.key !== 'allow' && e.key !== 'deny') {
        this.unknownKey(e, 'licensePolicy.', ['allow', 'deny']);
        continue;
      }
      const ids = this.stringList(e, `licensePolicy.${e.key}`, undefined);
      if (ids === undefined) continue;
      const { policy, problems } = parseLicensePolicy({ [e.key]: ids }, 'licensePolicy');
      const items = isSeq(e.value) ? e.value.items : [];
      for (const p of problems) {
        const index = /\[(\d+)\]$/.exec(p.path)?.[1];
        const at = index === undefined ? e.at : ((items[Number(index)] as Node | null) ?? e.at);
        this.report('config-unknown-license', 'error', `${p.path}: ${p.message}`, at);
      }
      const kept = policy[e.key];
      if (kept !== undefined) out[e.key] = kept;
    }
    return out;
  }

  /**
   * `acceptedRisks` (ours): a list of `{ package, alerts, reason, expires }`, every field
   * required. An entry with a missing or invalid field is reported where it is written and
   * left out whole: half an acceptance must not silence anything.
   */
  private acceptedRisks(entry: Entry): AcceptedRisk[] {
    const out: AcceptedRisk[] = [];
    const node = entry.value;
    if (node === null || (isScalar(node) && node.value === null)) return out;
    if (!isSeq(node)) {
      this.wrongType(entry.key, 'a list of accepted risks', node, entry.at);
      return out;
    }
    node.items.forEach((raw, index) => {
      const item = this.resolve(raw as Node | null);
      const at = (raw as Node | null) ?? entry.at;
      const path = `acceptedRisks[${index}]`;
      if (item === undefined) return;
      if (!isMap(item)) {
        this.wrongType(path, 'a mapping with package, alerts, reason and expires', item, at);
        return;
      }
      const bad = (message: string, where: Where, hint?: string): void =>
        this.report(
          'config-invalid-accepted-risk',
          'error',
          `${path}: ${message}; the entry is ignored`,
          where,
          hint === undefined ? {} : { hint },
        );
      const fields = new Map<string, Entry>();
      for (const e of this.entries(item, `${path}.`)) {
        if (['package', 'alerts', 'reason', 'expires'].includes(e.key)) fields.set(e.key, e);
        else this.unknownKey(e, `${path}.`, ['package', 'alerts', 'reason', 'expires']);
      }
      const missing = ['package', 'alerts', 'reason', 'expires'].filter((k) => !fields.has(k));
      if (missing.length > 0) {
        bad(
          `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required`,
          at,
          'Every accepted risk names the package (name@version or name@range), the alert types, the reason and the date it expires (YYYY-MM-DD).',
        );
        return;
      }
      const text = (k: string): string | undefined => {
        const v = fields.get(k)?.value;
        return isScalar(v) && typeof v.value === 'string' ? v.value.trim() : undefined;
      };
      const pkg = text('package');
      const at2 = (k: string): Node => fields.get(k)?.at as Node;
      const split = pkg === undefined ? -1 : pkg.lastIndexOf('@');
      const name = pkg === undefined || split <= 0 ? pkg : pkg.slice(0, split);
      const range = pkg === undefined || split <= 0 ? undefined : pkg.slice(split + 1);
      if (
        name === undefined ||
        range === undefined ||
        !/^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9~][\w.~-]*$/i.test(name) ||
        semver.validRange(range) === null
      ) {
        bad(
          `package must be name@version or name@range, found ${this.describe(fields.get('package')?.value ?? null)}`,
          at2('package'),
          'For example lodash@4.17.21 or lodash@^4.17.0.',
        );
        return;
      }
      const alertsNode = fields.get('alerts')?.value ?? null;
      const alerts: string[] = [];
      if (isSeq(alertsNode))
        for (const a of alertsNode.items) {
          const v = this.resolve(a as Node | null);
          if (isScalar(v) && typeof v.value === 'string') alerts.push(v.value);
        }
      else if (isScalar(alertsNode) && typeof alertsNode.value === 'string')
        alerts.push(alertsNode.value);
      const unknown = alerts.filter((a) => !isKnownAlertType(a));
      if (alerts.length === 0 || unknown.length > 0) {
        const near =
          unknown[0] === undefined ? undefined : closestMatch(unknown[0], KNOWN_ALERT_TYPES);
        bad(
          alerts.length === 0
            ? 'alerts must list at least one alert type'
            : `unknown alert type ${quote(unknown[0] as string)}${near === undefined ? '' : `; did you mean "${near}"?`}`,
          at2('alerts'),
        );
        return;
      }
      const reason = text('reason');
      if (reason === undefined || reason === '') {
        bad('reason must say why the risk is accepted', at2('reason'));
        return;
      }
      const expiresNode = fields.get('expires')?.value;
      const expires = isScalar(expiresNode) ? String(expiresNode.value) : '';
      if (
        !/^\d{4}-\d{2}-\d{2}$/.test(expires) ||
        Number.isNaN(Date.parse(`${expires}T00:00:00Z`)) ||
        new Date(`${expires}T00:00:00Z`).toISOString().slice(0, 10) !== expires
      ) {
        bad(
          `expires must be a date written YYYY-MM-DD, found ${this.describe(expiresNode ?? null)}`,
          at2('expires'),
        );
        return;
      }
      const offset = typeof at === 'number' ? at : (at.range?.[0] ?? 0);
      out.push({
        name,
        range,
        alerts,
        reason,
        expires,
        line: this.lineCounter.linePos(offset).line,
      });
    });
    return out;
  }

  /** `issueRules` (or v1 `issues`): alert type → boolean, in a null-prototype object. */
  private issueRules(entry: Entry, path: string): Record<string, boolean> {
    const rules = Object.create(null) as Record<string, boolean>;
    const node = entry.value;
    if (node === null || (isScalar(node) && node.value === null)) {
      this.report(
        'config-wrong-type',
        'warning',
        `${path} has no value; treated as empty`,
        entry.at,
      );
      return rules;
    }
    if (!isMap(node)) {
      this.wrongType(path, 'a mapping of alert types to true or false', node, entry.at);
      return rules;
    }
    for (const e of this.entries(node, `${path}.`)) {
      const rulePath = `${path}.${sanitize(e.key, 80)}`;
      if (!isKnownAlertType(e.key)) this.unknownAlertType(e);
      const value = e.value;
      if (isMap(value)) {
        this.report(
          'config-unsupported-rule',
          'error',
          `${rulePath}: per-rule objects such as {action: ignore} are not supported; the rule is ignored`,
          e.at,
          { hint: `Write ${sanitize(e.key, 80)}: true (report it) or false (do not report it).` },
        );
        continue;
      }
      const enabled = this.boolean(e, rulePath);
      if (enabled !== undefined) rules[e.key] = enabled;
      else if (value === null || (isScalar(value) && value.value === null)) {
        this.wrongType(rulePath, 'true or false', value, e.at);
      }
    }
    return rules;
  }

  private unknownAlertType(e: Entry): void {
    const suggestion = closestMatch(e.key, KNOWN_ALERT_TYPES);
    const message =
      `Unknown alert type ${quote(e.key)}` +
      (suggestion === undefined ? '' : `; did you mean "${suggestion}"?`);
    this.report('config-unknown-alert-type', 'warning', message, e.keyNode, {
      hint:
        suggestion === undefined
          ? 'Alert types are case-sensitive; see docs/socket-yml.md for the list. The rule has no effect.'
          : `Write "${suggestion}"; as written the rule has no effect.`,
    });
  }

  private unknownKey(e: Entry, prefix: string, candidates: readonly string[]): void {
    const v2Name = prefix === '' ? V1_KEYS.get(e.key) : undefined;
    if (prefix === '' && V1_KEYS.has(e.key)) {
      this.report(
        'config-unknown-key',
        'warning',
        `${quote(e.key)} is a version 1 key` +
          (v2Name === undefined
            ? ' with no version 2 equivalent'
            : `; version 2 calls it "${v2Name}"`),
        e.keyNode,
        { hint: 'The key has no effect in a version 2 file.' },
      );
      return;
    }
    const suggestion = closestMatch(e.key, candidates);
    const message =
      `Unknown key ${quote(prefix + e.key)}` +
      (suggestion === undefined ? '' : `; did you mean "${prefix}${suggestion}"?`);
    this.report('config-unknown-key', 'warning', message, e.keyNode, {
      hint: 'The key has no effect; fix its spelling or remove it (see docs/socket-yml.md).',
    });
  }

  /** The pairs of a mapping whose keys are scalars; other keys are errors and skipped. */
  private entries(map: YAMLMap, prefix: string): Entry[] {
    const out: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      const raw = isScalar(keyNode) ? keyNode.value : undefined;
      if (
        keyNode === null ||
        !(typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean')
      ) {
        this.report(
          'config-wrong-type',
          'error',
          `Keys${prefix === '' ? '' : ` in ${prefix.slice(0, -1)}`} must be plain strings`,
          keyNode ?? map,
        );
        continue;
      }
      const written = pair.value as Node | null;
      const value = this.resolve(written);
      if (value === undefined) continue;
      out.push({ key: String(raw), keyNode, value, at: written ?? keyNode });
    }
    return out;
  }

  /**
   * Follows an alias to its anchored node (once; no expansion of nested structures).
   * Undefined (after reporting) for an alias without an anchor: the caller skips the value.
   */
  private resolve(node: Node | null): Node | null | undefined {
    if (node === null || !isAlias(node) || this.doc === undefined) return node;
    const target = node.resolve(this.doc);
    if (target === undefined) {
      this.report(
        'config-invalid-yaml',
        'error',
        `Alias *${sanitize(node.source, 60)} has no matching anchor`,
        node,
      );
      return undefined;
    }
    return target;
  }

  /** `node` is the value found (resolved), `at` where it is written. */
  private wrongType(path: string, expected: string, node: Where, at: Where, hint?: string): void {
    this.report(
      'config-wrong-type',
      'error',
      `${path} must be ${expected}, found ${this.describe(node)}`,
      at,
      hint === undefined ? {} : { hint },
    );
  }

  private describe(node: Where): string {
    if (node === null || node === undefined || typeof node === 'number') return 'nothing';
    if (isMap(node)) return 'a mapping';
    if (isSeq(node)) return 'a list';
    if (isScalar(node)) {
      const v = node.value;
      if (v === null) return 'null';
      if (typeof v === 'string') return `the string ${quote(v)}`;
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint')
        return `${typeof v} ${String(v)}`;
    }
    return 'an unsupported value';
  }

  private report(
    code: ProblemCode,
    severity: ProblemSeverity,
    message: string,
    where: Where,
    extra: { hint?: string } = {},
  ): void {
    if (this.problems.length >= MAX_PROBLEMS) {
      this.dropped++;
      return;
    }
    const offset = typeof where === 'number' ? where : (where?.range?.[0] ?? 0);
    const { line, col } = this.lineCounter.linePos(offset);
    this.problems.push(
      problem(code, severity, message, { file: this.file, line, column: col, ...extra }),
    );
  }

  private finish(config: SocketConfig): ParsedSocketConfig {
    const problems = this.problems.sort(compareProblems);
    if (this.dropped > 0) {
      problems.push(
        problem(
          'config-too-many-problems',
          'note',
          `${this.dropped} more problems in this file are not shown`,
          { file: this.file },
        ),
      );
    }
    return { config, problems };
  }
}

/** A file-supplied name, quoted and made safe to print. */
function quote(text: string): string {
  return `"${sanitize(text, 80)}"`;
}

/** The key written at `offset`: up to the colon or the end of the line. */
function keyTextAt(text: string, offset: number): string {
  let end = offset;
  while (end < text.length && end - offset < 200) {
    const c = text.charCodeAt(end);
    if (c === 0x3a /* : */ || c === 0x0a || c === 0x0d) break;
    end++;
  }
  return text.slice(offset, end).trim();
}
