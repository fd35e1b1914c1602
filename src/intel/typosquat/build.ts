/**
 * The typo-squat index: popular names folded into lookup maps once, so that checking a name
 * is a few dozen hash lookups and a handful of bounded distance computations, never a scan
 * of the list.
 *
 * One map per technique, keyed by the normal form that erases what the technique changes
 * (see names.ts): a candidate whose form hits the map is one technique away from the names
 * stored there. Edit distance uses a deletion neighbourhood ("SymSpell"): each popular name
 * is stored under every string made by deleting one character (two inside a word of ten
 * characters or more), and a candidate looks up its own deletions; any shared key proves the
 * pair close, and a bounded Damerau-Levenshtein confirms and names the edit.
 *
 * Thresholds (why each exists is in docs/typosquat.md):
 * - target of 3 characters or fewer: only look-alike glyphs, separators and `.js`-style
 *   affixes; every short string is one edit from dozens of real short names.
 * - 4 characters: also swaps, doubled letters, plurals, version digits.
 * - 5 to 9: any single edit, except at the first letter (squats keep it: `preact`, `gaxios`,
 *   `trouter` are words of their own) and except adding, dropping or changing a trailing
 *   digit (`through2`, `vue3`: how versioned forks are named).
 * - 10 or more: two edits, first letter kept.
 * - in names of several words these lengths are the edited word's, and only one word may
 *   change (see nameEdit); a four-letter word may lose a letter when the whole name has ten
 *   characters or more (`define-dat-property`).
 * - scoped names under a scope that has a popular package are never squats: only members of
 *   that organisation can publish there.
 * - a candidate that is itself on the popular list, or has at least `minDownloadRatio` of the
 *   target's downloads, is an established package, not a squat.
 */
import { DeletionIndexBuilder, type DeletionIndex } from './deletions.js';
import { boundedOsaDistance, classifySingleEdit } from './distance.js';
import {
  affixReadings,
  isPackageName,
  lowerForm,
  seplessForm,
  skeletonForm,
  splitName,
  wordKey,
} from './names.js';
import { isKnownNeighbour, isLegacyUnscopedName } from './neighbours.js';

/** One popular package: its name and monthly downloads. */
export interface PopularEntry {
  name: string;
  downloads: number;
}

export type TyposquatTechnique =
  | 'edit-distance'
  | 'transposition'
  | 'doubled-letter'
  | 'dropped-letter'
  | 'homoglyph'
  | 'separator'
  | 'scope-confusion'
  | 'affix'
  | 'plural'
  | 'word-order';

export interface TyposquatMatch {
  /** The popular name the candidate imitates. */
  target: string;
  targetDownloads: number;
  technique: TyposquatTechnique;
  /** Damerau-Levenshtein (OSA) distance between the two full names, case-folded, capped at 32. */
  distance: number;
  /** 0..1: how likely the name was chosen to be mistaken for the target (see docs/typosquat.md). */
  confidence: number;
}

export interface CheckOptions {
  /**
   * The candidate's monthly downloads when the caller knows them. A candidate with at least
   * `minDownloadRatio` of the target's downloads is established, not a squat.
   */
  candidateDownloads?: number;
  /** Default 0.01 (1 %). */
  minDownloadRatio?: number;
  /**
   * Check a name even when it is on the popular list (its listed downloads then feed the
   * ratio rule). For audits of the list itself; a scan leaves it off.
   */
  evenIfListed?: boolean;
  /** Report known legitimate neighbours (neighbours.ts) too. For audits of the allowlist. */
  ignoreNeighbours?: boolean;
}

export interface TyposquatIndex {
  /** How many popular names the index holds. */
  readonly size: number;
  /** Monthly downloads of a listed name (exact spelling), undefined when it is not listed. */
  downloadsOf(name: string): number | undefined;
  /**
   * The popular name `name` most likely imitates, or undefined. A name that is not a valid
   * package name is not checked (undefined); bad options throw RangeError.
   */
  check(name: string, opts?: CheckOptions): TyposquatMatch | undefined;
  /** Every popular name `name` may imitate, best first (at most one match per target). */
  checkAll(name: string, opts?: CheckOptions): TyposquatMatch[];
}

/** The index refuses lists larger than this: ten times the shipped list. */
export const MAX_ENTRIES = 100_000;
const DEFAULT_MIN_DOWNLOAD_RATIO = 0.01;
/** Longer candidates skip the edit-distance search: no listed unscoped name comes near. */
const MAX_EDIT_SEARCH_LENGTH = 64;
const MAX_REPORTED_DISTANCE = 32;
/** Two edits are accepted inside one word of at least 10 characters (see nameEdit)... */
const DEEP_TARGET_WORD = 10;
/** ...which the candidate may have shortened by two. */
const DEEP_CANDIDATE_WORD = DEEP_TARGET_WORD - 2;

interface IndexedName {
  name: string;
  downloads: number;
  lower: string;
  scope: string | undefined;
  bare: string;
  seplessBare: string;
}

/** Base confidence per technique, before the length and popularity factors. */
const BASE_CONFIDENCE: Record<TyposquatTechnique, number> = {
  homoglyph: 0.95,
  separator: 0.9,
  transposition: 0.85,
  'doubled-letter': 0.85,
  'scope-confusion': 0.8,
  'dropped-letter': 0.75,
  affix: 0.65,
  'word-order': 0.7,
  'edit-distance': 0.65,
  plural: 0.6,
};
/** When two techniques explain the same pair, the more specific one is reported. */
const PRIORITY: readonly TyposquatTechnique[] = [
  'homoglyph',
  'separator',
  'transposition',
  'doubled-letter',
  'dropped-letter',
  'plural',
  'affix',
  'word-order',
  'scope-confusion',
  'edit-distance',
];

interface Candidate {
  id: number;
  technique: TyposquatTechnique;
  /** Multiplies the base confidence: weaker variants of a technique (two edits, a guessed target). */
  weight: number;
  /** The edit distance, when finding the candidate already measured it. */
  distance?: number;
}

interface Ranked {
  c: Candidate;
  confidence: number;
}

/** String → ids. Most keys hold one id, stored bare to spare an array per key. */
class MultiMap {
  private readonly map = new Map<string, number | number[]>();
  add(key: string, id: number): void {
    const held = this.map.get(key);
    if (held === undefined) this.map.set(key, id);
    else if (typeof held === 'number') {
      if (held !== id) this.map.set(key, [held, id]);
    } else if (held[held.length - 1] !== id) held.push(id);
  }
  get(key: string): readonly number[] {
    const held = this.map.get(key);
    if (held === undefined) return NONE;
    return typeof held === 'number' ? [held] : held;
  }
}
const NONE: readonly number[] = [];

/**
 * Largest edit distance accepted towards a target whose folded name has this length; also
 * the depth of the deletion neighbourhood it is filed under.
 */
function maxEdits(length: number): number {
  if (length <= 3) return 0;
  if (length <= 9) return 1;
  return 2;
}

/**
 * Builds an index over `entries`. Names are validated (npm naming rules); a duplicate keeps
 * its larger download count. Throws RangeError/TypeError on a malformed list, which is a
 * programming or packaging error, not user input.
 */
export function buildTyposquatIndex(entries: readonly PopularEntry[]): TyposquatIndex {
  if (!Array.isArray(entries)) throw new TypeError('entries must be an array');
  if (entries.length > MAX_ENTRIES)
    throw new RangeError(`too many popular entries: ${entries.length} > ${MAX_ENTRIES}`);
  return new PopularIndex(entries);
}

class PopularIndex implements TyposquatIndex {
  private readonly names: IndexedName[] = [];
  private readonly byName = new Map<string, number>();
  private readonly byLower = new Map<string, number>();
  // Unscoped names, one map per technique.
  private readonly sepless = new MultiMap();
  private readonly skeleton = new MultiMap();
  private readonly words = new MultiMap();
  /** Core of a name with a separated runtime affix (`node-fetch` → `fetch`). */
  private readonly affixCores = new MultiMap();
  private readonly deletions: DeletionIndex;
  // Scoped names.
  /** Scope → its listed packages, most downloaded first. */
  private readonly scopes = new Map<string, number[]>();
  private readonly scopeSepless = new MultiMap();
  private readonly scopeSkeleton = new MultiMap();
  private readonly scopeDeletions: DeletionIndex;
  /** Bare names of scoped packages, to find the one a scope typo's bare name misspells. */
  private readonly scopedBareDeletions: DeletionIndex;
  private readonly scopeList: string[] = [];
  /** sepless(scope + bare) → scoped names: `babelcore` → `@babel/core`. */
  private readonly joined = new MultiMap();
  /** Distinctive bare names held by exactly one scope: `web3.js` → `@solana/web3.js`. */
  private readonly uniqueBare = new Map<string, number>();
  /** Per-check visit stamps, so a target found under several keys is verified once. */
  private stamps: Uint32Array;
  private stamp = 0;

  constructor(entries: readonly PopularEntry[]) {
    for (const entry of entries) this.addEntry(entry);
    this.stamps = new Uint32Array(this.names.length);
    const bareCounts = new Map<string, number>();
    const deletions = new DeletionIndexBuilder();
    const scopedBare = new DeletionIndexBuilder();
    this.names.forEach((n, id) => {
      if (n.scope === undefined) this.indexUnscoped(n, id, deletions);
      else {
        this.indexScoped(n, id);
        if (maxEdits(n.bare.length) > 0) scopedBare.add(n.bare, id, DEEP_TARGET_WORD);
        bareCounts.set(n.bare, (bareCounts.get(n.bare) ?? 0) + 1);
      }
    });
    this.deletions = deletions.build();
    this.scopedBareDeletions = scopedBare.build();
    const scopeDeletions = new DeletionIndexBuilder();
    for (const [scope, ids] of this.scopes) {
      ids.sort((x, y) => this.names[y]!.downloads - this.names[x]!.downloads);
      const sid = this.scopeList.length;
      this.scopeList.push(scope);
      const sep = seplessForm(scope);
      this.scopeSepless.add(sep, sid);
      this.scopeSkeleton.add(skeletonForm(scope), sid);
      if (maxEdits(sep.length) > 0) scopeDeletions.add(sep, sid, DEEP_TARGET_WORD);
    }
    this.scopeDeletions = scopeDeletions.build();
    this.names.forEach((n, id) => {
      if (n.scope === undefined || bareCounts.get(n.bare) !== 1) return;
      if (this.byLower.has(n.bare) || !isDistinctiveBare(n.bare)) return;
      this.uniqueBare.set(n.bare, id);
    });
  }

  get size(): number {
    return this.names.length;
  }

  downloadsOf(name: string): number | undefined {
    const id = this.byName.get(name);
    return id === undefined ? undefined : this.names[id]!.downloads;
  }

  check(name: string, opts: CheckOptions = {}): TyposquatMatch | undefined {
    const best = this.rank(name, opts)[0];
    return best === undefined ? undefined : this.toMatch(name, best);
  }

  checkAll(name: string, opts: CheckOptions = {}): TyposquatMatch[] {
    return this.rank(name, opts).map((r) => this.toMatch(name, r));
  }

  /** The surviving readings, one per target, best first. */
  private rank(name: string, opts: CheckOptions): Ranked[] {
    if (!isPackageName(name)) return [];
    const ratio = opts.minDownloadRatio ?? DEFAULT_MIN_DOWNLOAD_RATIO;
    if (!(ratio >= 0)) throw new RangeError('minDownloadRatio must be a number >= 0');
    let candidateDownloads = opts.candidateDownloads;
    if (candidateDownloads !== undefined && !(candidateDownloads >= 0))
      throw new RangeError('candidateDownloads must be a number >= 0');
    const listedId = this.byName.get(name);
    if (listedId !== undefined && opts.evenIfListed !== true) return [];
    if (candidateDownloads === undefined && listedId !== undefined)
      candidateDownloads = this.names[listedId]!.downloads;

    const lower = lowerForm(name);
    const { scope, bare } = splitName(name);
    const found: Candidate[] = [];
    if (scope === undefined) this.findUnscoped(name, lower, found);
    else this.findScoped(scope, bare, found);

    const best = new Map<number, Ranked>();
    for (const c of found) {
      const target = this.names[c.id]!;
      if (c.id === listedId) continue;
      if (opts.ignoreNeighbours !== true && isKnownNeighbour(lower, target.lower)) continue;
      if (candidateDownloads !== undefined && candidateDownloads >= ratio * target.downloads)
        continue;
      const confidence = scoreMatch(c, target);
      const seen = best.get(c.id);
      if (seen === undefined || this.better(c, confidence, seen.c, seen.confidence))
        best.set(c.id, { c, confidence });
    }
    if (best.size <= 1) return [...best.values()];
    return [...best.values()].sort((x, y) =>
      this.better(x.c, x.confidence, y.c, y.confidence) ? -1 : 1,
    );
  }

  private toMatch(name: string, { c, confidence }: Ranked): TyposquatMatch {
    const target = this.names[c.id]!;
    const distance =
      c.distance ?? boundedOsaDistance(lowerForm(name), target.lower, MAX_REPORTED_DISTANCE);
    return {
      target: target.name,
      targetDownloads: target.downloads,
      technique: c.technique,
      distance: distance ?? MAX_REPORTED_DISTANCE,
      confidence,
    };
  }

  /**
   * Order of matches: higher confidence, then the more specific technique, then the more
   * downloaded target, then the name (so the answer never depends on the list's order).
   */
  private better(a: Candidate, ca: number, b: Candidate, cb: number): boolean {
    if (ca !== cb) return ca > cb;
    return this.prefer(a, b);
  }

  private prefer(a: Candidate, b: Candidate): boolean {
    const pa = PRIORITY.indexOf(a.technique);
    const pb = PRIORITY.indexOf(b.technique);
    if (pa !== pb) return pa < pb;
    const da = this.names[a.id]!.downloads;
    const db = this.names[b.id]!.downloads;
    if (da !== db) return da > db;
    return this.names[a.id]!.name < this.names[b.id]!.name;
  }

  private addEntry(entry: PopularEntry): void {
    if (typeof entry !== 'object' || entry === null) throw new TypeError('entry must be an object');
    const { name, downloads } = entry;
    if (!isPackageName(name)) throw new TypeError(`not a package name: ${JSON.stringify(name)}`);
    if (typeof downloads !== 'number' || !Number.isFinite(downloads) || downloads < 0)
      throw new TypeError(`bad download count for ${name}: ${String(downloads)}`);
    const existing = this.byName.get(name);
    if (existing !== undefined) {
      const n = this.names[existing]!;
      n.downloads = Math.max(n.downloads, downloads);
      return;
    }
    const { scope, bare } = splitName(name);
    const lower = scope === undefined ? bare : `@${scope}/${bare}`;
    const id = this.names.length;
    this.names.push({ name, downloads, lower, scope, bare, seplessBare: seplessForm(bare) });
    this.byName.set(name, id);
    if (!this.byLower.has(lower)) this.byLower.set(lower, id);
  }

  private indexUnscoped(n: IndexedName, id: number, deletions: DeletionIndexBuilder): void {
    this.sepless.add(seplessForm(n.lower), id);
    this.skeleton.add(skeletonForm(n.name), id);
    const words = wordKey(n.lower);
    if (words !== undefined) this.words.add(words, id);
    for (const reading of affixReadings(n.lower)) {
      if (!reading.glued && !reading.version) this.affixCores.add(reading.core, id);
    }
    if (maxEdits(n.lower.length) > 0) deletions.add(n.lower, id, DEEP_TARGET_WORD);
  }

  private indexScoped(n: IndexedName, id: number): void {
    const scope = n.scope as string;
    let ids = this.scopes.get(scope);
    if (ids === undefined) this.scopes.set(scope, (ids = []));
    ids.push(id);
    this.joined.add(seplessForm(scope + n.bare), id);
  }

  private findUnscoped(name: string, lower: string, found: Candidate[]): void {
    const caseTwin = this.byLower.get(lower);
    if (caseTwin !== undefined && this.names[caseTwin]!.name !== name)
      found.push({ id: caseTwin, technique: 'homoglyph', weight: 1 });
    const sepless = seplessForm(lower);
    for (const id of this.sepless.get(sepless)) {
      if (this.names[id]!.lower !== lower) found.push({ id, technique: 'separator', weight: 1 });
    }
    for (const id of this.skeleton.get(skeletonForm(name))) {
      if (seplessForm(this.names[id]!.lower) !== sepless)
        found.push({ id, technique: 'homoglyph', weight: 1 });
    }
    const words = wordKey(lower);
    if (words !== undefined) {
      for (const id of this.words.get(words)) {
        if (seplessForm(this.names[id]!.lower) !== sepless)
          found.push({ id, technique: 'word-order', weight: 1 });
      }
    }
    this.findAffixes(lower, found);
    this.findPlurals(lower, found);
    this.findEdits(lower, found);
    // An unscoped name imitating a scoped one: `babel-core` for `@babel/core`.
    for (const id of this.joined.get(sepless)) {
      if (!isLegacyUnscopedName(lower, this.names[id]!.scope as string))
        found.push({ id, technique: 'scope-confusion', weight: 0.85 });
    }
    const bareTwin = this.uniqueBare.get(lower);
    if (bareTwin !== undefined)
      found.push({ id: bareTwin, technique: 'scope-confusion', weight: 0.75 });
  }

  private findAffixes(lower: string, found: Candidate[]): void {
    for (const reading of affixReadings(lower)) {
      // A glued affix on a short core (`jsdom` = `js` + `dom`) is a word, not decoration.
      if (reading.glued && reading.core.length < 4) continue;
      for (const id of this.sepless.get(reading.core)) {
        const target = this.names[id]!;
        if (reading.version && (/\d$/.test(target.lower) || reading.core.length < 4)) continue;
        found.push({ id, technique: 'affix', weight: 1 });
      }
      if (reading.version || reading.glued) continue;
      // Swapped decoration: `fetch-node` or `js-fetch` for `node-fetch`.
      for (const id of this.affixCores.get(reading.core)) {
        if (this.names[id]!.lower !== lower) found.push({ id, technique: 'affix', weight: 0.85 });
      }
    }
  }

  /** `colors` for `color` and back; the `s` must be glued to the last word (`lodash-es` is no plural). */
  private findPlurals(lower: string, found: Candidate[]): void {
    // `expres` is `express` missing a letter, not a singular.
    const forms = lower.endsWith('s') ? [] : [seplessForm(lower) + 's'];
    if (/[a-z]s$/.test(lower)) forms.push(seplessForm(lower.slice(0, -1)));
    if (/[a-z]es$/.test(lower)) forms.push(seplessForm(lower.slice(0, -2)));
    for (const form of forms) {
      if (form.length < 4) continue;
      for (const id of this.sepless.get(form)) found.push({ id, technique: 'plural', weight: 1 });
    }
  }

  private findEdits(lower: string, found: Candidate[]): void {
    if (lower.length < 3 || lower.length > MAX_EDIT_SEARCH_LENGTH) return;
    this.stamp = (this.stamp + 1) >>> 0;
    if (this.stamp === 0) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    this.deletions.lookup(lower, DEEP_CANDIDATE_WORD, (id) => {
      if (this.stamps[id] === this.stamp) return;
      this.stamps[id] = this.stamp;
      const edit = nameEdit(lower, this.names[id]!.lower);
      if (edit !== undefined) found.push({ id, ...edit });
    });
  }

  private findScoped(scope: string, bare: string, found: Candidate[]): void {
    // Only the organisation's members publish under its scope.
    if (this.scopes.has(scope)) return;
    const scopeSepless = seplessForm(scope);
    for (const sid of this.similarScopes(scope, scopeSepless)) {
      const imitated = this.scopeList[sid]!;
      const target = this.bestInScope(imitated, this.scopes.get(imitated)!, bare);
      found.push({ id: target.id, technique: 'scope-confusion', weight: target.weight });
    }
    // The scope names a popular scope among its words (`@solana-labs/web3.js`) and the bare
    // name is one of that scope's packages.
    for (const word of scope.split(/[-_.]+/)) {
      const ids = word !== scope ? this.scopes.get(word) : undefined;
      const exact = ids?.find((id) => this.names[id]!.bare === bare);
      if (exact !== undefined) found.push({ id: exact, technique: 'scope-confusion', weight: 0.9 });
    }
    // A scoped name dressing up an unscoped one: `@lodash/merge`, `@react/react`.
    for (const id of this.sepless.get(seplessForm(scope + bare)))
      found.push({ id, technique: 'scope-confusion', weight: 1 });
    // The scope must be the name itself or the name dressed up (`@reactjs/react`); a scope
    // that merely contains it (`@preact-signals/react`) is someone's own namespace.
    const twin = this.byLower.get(bare);
    if (twin !== undefined && this.names[twin]!.scope === undefined) {
      const targetSepless = seplessForm(bare);
      const dressed =
        scopeSepless === targetSepless ||
        affixReadings(scope).some((r) => r.core === targetSepless && !r.version);
      if (targetSepless.length >= 3 && dressed)
        found.push({ id: twin, technique: 'scope-confusion', weight: 0.9 });
    }
  }

  /** Popular scopes one technique away from `scope`. */
  private similarScopes(scope: string, sepless: string): Set<number> {
    const out = new Set<number>();
    for (const sid of this.scopeSepless.get(sepless)) out.add(sid);
    for (const sid of this.scopeSkeleton.get(skeletonForm(scope))) out.add(sid);
    if (sepless.length < 3 || sepless.length > MAX_EDIT_SEARCH_LENGTH) return out;
    this.scopeDeletions.lookup(sepless, DEEP_CANDIDATE_WORD, (sid) => {
      if (!out.has(sid) && nameEdit(sepless, seplessForm(this.scopeList[sid]!)) !== undefined)
        out.add(sid);
    });
    return out;
  }

  /** The package of an imitated scope that `bare` most likely stands for. */
  private bestInScope(
    scope: string,
    ids: readonly number[],
    bare: string,
  ): { id: number; weight: number } {
    for (const id of ids) if (this.names[id]!.bare === bare) return { id, weight: 1 };
    let near: number | undefined;
    this.scopedBareDeletions.lookup(bare, DEEP_CANDIDATE_WORD, (id) => {
      const n = this.names[id]!;
      if (n.scope !== scope || (near !== undefined && this.names[near]!.downloads >= n.downloads))
        return;
      if (nameEdit(bare, n.bare) !== undefined) near = id;
    });
    if (near !== undefined) return { id: near, weight: 0.9 };
    const sepless = seplessForm(bare);
    if (sepless.length >= 3) {
      for (const id of ids) {
        const other = this.names[id]!.seplessBare;
        if (other.startsWith(sepless) || sepless.startsWith(other)) return { id, weight: 0.85 };
      }
    }
    // Nothing in the scope resembles the bare name: the scope alone is the imitation, and the
    // scope's most downloaded package stands for it.
    return { id: ids[0]!, weight: 0.7 };
  }
}

/**
 * The technique that turns `target` into `candidate` by editing characters, or undefined when
 * they are too far apart. Both are folded names.
 *
 * The length that sets the tolerance is the edited word's, not the whole name's: in
 * `node-fetch`/`node-watch` or `get-proto`/`get-proxy` the edits replace a short word with
 * another word, which is how real packages are named, while a typo inside one long word
 * (`typscript`) stays a typo. Names must keep their word structure (a separator added or
 * removed is the separator technique's business, and combinations of techniques are left out
 * on purpose: each one multiplies the legitimate neighbours).
 */
function nameEdit(
  candidate: string,
  target: string,
): { technique: TyposquatTechnique; weight: number; distance: number } | undefined {
  const max = maxEdits(target.length);
  if (max === 0) return undefined;
  const d = boundedOsaDistance(candidate, target, max);
  if (d === undefined || d === 0) return undefined;
  const word = editedWordLength(candidate, target);
  if (word === undefined) return undefined;
  const sameStart = candidate[0] === target[0];
  if (d === 2)
    return sameStart && word >= 10
      ? { technique: 'edit-distance', weight: 0.7, distance: 2 }
      : undefined;
  const edit = classifySingleEdit(candidate, target);
  if (!sameStart && edit !== 'transposition' && edit !== 'doubled-letter') return undefined;
  switch (edit) {
    case 'transposition':
    case 'doubled-letter':
      return { technique: edit, weight: 1, distance: 1 };
    case 'plural':
      return word >= 4 ? { technique: edit, weight: 1, distance: 1 } : undefined;
    case 'version-suffix':
      return word >= 4 && !/\d$/.test(target)
        ? { technique: 'affix', weight: 0.8, distance: 1 }
        : undefined;
    case 'dropped-letter': {
      // Dropping a trailing digit names the original a versioned fork came from.
      if (
        candidate.length === target.length - 1 &&
        /\d$/.test(target) &&
        target.startsWith(candidate)
      )
        return undefined;
      // A four-letter word may lose a letter when the rest of the name pins the target down.
      const enough = word >= 5 || (word === 4 && target.length >= 10);
      return enough ? { technique: edit, weight: 1, distance: 1 } : undefined;
    }
    case 'insertion':
    case 'substitution':
      return word >= 5 ? { technique: 'edit-distance', weight: 1, distance: 1 } : undefined;
    case 'digit-change':
      return undefined;
  }
}

const WORD_BREAK = /[-_.]/;

/**
 * Length of the one word of `target` that differs from `candidate`, when both have the same
 * number of words and exactly one differs; undefined otherwise.
 */
function editedWordLength(candidate: string, target: string): number | undefined {
  const ours = candidate.split(WORD_BREAK);
  const theirs = target.split(WORD_BREAK);
  if (ours.length !== theirs.length) return undefined;
  let length: number | undefined;
  for (let i = 0; i < theirs.length; i++) {
    if (ours[i] === theirs[i]) continue;
    if (length !== undefined) return undefined;
    length = (theirs[i] as string).length;
  }
  return length;
}

/** A bare name distinctive enough that using it unscoped points at its one scope. */
function isDistinctiveBare(bare: string): boolean {
  return bare.length >= 6 && /[-_.\d]/.test(bare);
}

/**
 * Confidence: the technique's base, scaled by how long the target is (short names collide by
 * accident) and how popular it is (squatters pick the names most often typed).
 */
function scoreMatch(c: Candidate, target: IndexedName): number {
  const length = seplessForm(target.bare).length;
  const lengthFactor = Math.min(1, 0.55 + 0.05 * length);
  const popularity = Math.log10(Math.max(target.downloads, 1) / 1e6);
  const popularityFactor = Math.min(1, Math.max(0.7, 0.7 + 0.1 * popularity));
  const value = BASE_CONFIDENCE[c.technique] * c.weight * lengthFactor * popularityFactor;
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}
