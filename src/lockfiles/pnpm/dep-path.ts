/**
 * pnpm dependency paths ("depPaths"): the keys of `packages:`/`snapshots:` and the values that
 * point at them, in the three shapes pnpm has written.
 *
 *   5.x  `/name/1.2.3`, `/@scope/name/1.2.3_peer@1.0.0+@scope+other@2.0.0` (peer suffix after `_`,
 *        `/` in scoped peer names written as `+`)
 *   6.0  `/name@1.2.3`, `/@scope/name@1.2.3(peer@1.0.0)(other@2.0.0)`
 *   9.0  `name@1.2.3(peer@1.0.0)`, no leading slash; long peer suffixes hashed
 *        (`(b49f6ee54a9da0a2b8dfd6b403e088ce)`), patches as `(patch_hash=...)`
 *
 * Keys without the registry shape (5.x/6.0 `github.com/owner/repo/<commit>`,
 * `'@github.com/owner/repo/archive/1.9.0.tar.gz'`, `file:dir`) carry `name`/`version` fields in
 * their entry instead; parseDepPath returns undefined for them.
 */

/** Which generation of depPath a lockfile uses. */
export type KeyStyle = 5 | 6 | 9;

export interface DepPath {
  name: string;
  /** Version without the peer suffix (may be a URL or `file:`/`runtime:` spec in 9.0). */
  version: string;
  /** The key without its peer suffix. */
  base: string;
}

/** Offset where a `(...)(...)` suffix starts, or `key.length`. Parentheses are matched from the end. */
export function parenSuffixStart(key: string): number {
  let end = key.length;
  while (end > 0 && key.charCodeAt(end - 1) === 0x29 /* ) */) {
    let depth = 0;
    let i = end - 1;
    for (; i >= 0; i--) {
      const c = key.charCodeAt(i);
      if (c === 0x29) depth++;
      else if (c === 0x28 /* ( */ && --depth === 0) break;
    }
    if (i <= 0) return end;
    end = i;
  }
  return end;
}

/** Splits `name@version` at the `@` after the name (a scoped name's own `@` is skipped). */
export function splitNameVersion(spec: string): { name: string; version: string } | undefined {
  const at = spec.indexOf('@', 1);
  if (at <= 0) return undefined;
  const name = spec.slice(0, at);
  const version = spec.slice(at + 1);
  if (version === '' || (name.startsWith('@') && !name.includes('/'))) return undefined;
  return { name, version };
}

/** Parses a package key in the given style; undefined when it does not have the registry shape. */
export function parseDepPath(key: string, style: KeyStyle): DepPath | undefined {
  if (style === 5) return parseV5(key);
  if (style === 6 && !key.startsWith('/')) return undefined;
  const body = style === 6 ? key.slice(1) : key;
  const base = body.slice(0, parenSuffixStart(body));
  const nv = splitNameVersion(base);
  if (nv === undefined) return undefined;
  return { name: nv.name, version: nv.version, base: style === 6 ? `/${base}` : base };
}

function parseV5(key: string): DepPath | undefined {
  if (!key.startsWith('/')) return undefined;
  let nameEnd = key.indexOf('/', 1);
  if (key.charCodeAt(1) === 0x40 /* @ */ && nameEnd !== -1) nameEnd = key.indexOf('/', nameEnd + 1);
  if (nameEnd <= 1) return undefined;
  const underscore = key.indexOf('_', nameEnd + 1);
  const versionEnd = underscore === -1 ? key.length : underscore;
  const version = key.slice(nameEnd + 1, versionEnd);
  if (version === '' || version.includes('/')) return undefined;
  return { name: key.slice(1, nameEnd), version, base: key.slice(0, versionEnd) };
}

/** The key without its peer suffix (or the key itself when it has none). */
export function stripPeerSuffix(key: string, style: KeyStyle): string {
  if (style === 5) return parseV5(key)?.base ?? key;
  return key.slice(0, parenSuffixStart(key));
}
