/**
 * The shipped list of popular packages (data/popular-packages.tsv) and its text format,
 * shared by the loader and scripts/refresh-popular.ts.
 *
 * Format: UTF-8, one `name<TAB>monthly downloads` per line, most downloaded first; lines
 * starting with `#` are comments (provenance), and a `name<TAB>downloads…` header line is
 * allowed. The file is part of the package, so it is read relative to this module
 * (import.meta.url), never from the working directory, and parsed strictly: a damaged copy
 * is a packaging error and fails loudly rather than silently shrinking the list.
 */
import { readFileSync } from 'node:fs';
import {
  buildTyposquatIndex,
  MAX_ENTRIES,
  type PopularEntry,
  type TyposquatIndex,
} from './build.js';
import { isPackageName } from './names.js';

/** Bigger than any list worth shipping (the 10,000-name list is about 260 KB). */
export const MAX_POPULAR_FILE_BYTES = 8 * 1024 * 1024;

/** data/popular-packages.tsv: three levels up from src/intel/typosquat and dist/intel/typosquat. */
export const POPULAR_FILE_URL = new URL('../../../data/popular-packages.tsv', import.meta.url);

/** Parses the TSV format; throws Error naming the line on anything malformed. */
export function parsePopularTsv(text: string, source = 'popular list'): PopularEntry[] {
  if (text.length > MAX_POPULAR_FILE_BYTES)
    throw new Error(`${source}: larger than ${MAX_POPULAR_FILE_BYTES} bytes`);
  const entries: PopularEntry[] = [];
  const lines = text.split('\n');
  const headerLine = lines.findIndex((l) => l !== '' && !l.startsWith('#'));
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split('\t');
    if (i === headerLine && fields[0] === 'name') continue;
    const [name, count] = fields;
    if (fields.length !== 2 || !isPackageName(name) || !/^\d{1,15}$/.test(count ?? ''))
      throw new Error(
        `${source}:${i + 1}: expected "name<TAB>downloads", got ${JSON.stringify(line.slice(0, 120))}`,
      );
    entries.push({ name, downloads: Number(count) });
    if (entries.length > MAX_ENTRIES)
      throw new Error(`${source}: more than ${MAX_ENTRIES} entries`);
  }
  return entries;
}

/**
 * Serialises entries in the TSV format: sorted by downloads (then name, so equal counts do
 * not reorder between runs), each comment line prefixed with `# `.
 */
export function formatPopularTsv(
  entries: readonly PopularEntry[],
  comments: readonly string[] = [],
): string {
  const sorted = [...entries].sort(
    (a, b) => b.downloads - a.downloads || (a.name < b.name ? -1 : 1),
  );
  const lines = comments.map((c) => `# ${c.replace(/[\r\n]+/g, ' ')}`);
  lines.push('name\tdownloads_last_month');
  for (const e of sorted) lines.push(`${e.name}\t${Math.round(e.downloads)}`);
  return lines.join('\n') + '\n';
}

let cached: TyposquatIndex | undefined;

/** The index over the shipped list, built on first use and kept for the process. */
export function loadPopularIndex(): TyposquatIndex {
  if (cached === undefined) {
    const text = readFileSync(POPULAR_FILE_URL, 'utf8');
    cached = buildTyposquatIndex(parsePopularTsv(text, 'data/popular-packages.tsv'));
  }
  return cached;
}
