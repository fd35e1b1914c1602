/**
 * Loads a detector's fixtures (src/detectors/<id>/testdata/{positive,negative}/) as package
 * tarballs: a `.pkg.json` fixture is `{ "//": "what it shows", "files": {path: text} }`; any
 * other file is a single source file, packed with a minimal package.json. Every fixture must
 * say in its first line (or its "//" key) what it shows or why it must not match.
 *
 * A `.registry.json` fixture is for registry detectors: a recorded (or synthetic) packument, the
 * version under analysis, the clock, and the files of that version's tarball and of the
 * previous version's when the check compares them (see RegistryFixture).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Fixture {
  detector: string;
  polarity: 'positive' | 'negative';
  name: string;
  comment: string;
  files: Record<string, string>;
  registry?: RegistryFixture;
}

export interface RegistryFixture {
  /** The packument as the registry sends it. */
  packument: Record<string, unknown>;
  /** Parse it as an abbreviated packument (`application/vnd.npm.install-v1+json`). */
  abbreviated?: boolean;
  version: string;
  /** ISO time the check runs at. */
  now: string;
  /** Files of the previous version's tarball, when the check compares versions. */
  previous?: Record<string, string>;
  tarballMissing?: boolean;
  /** What the registry said about the publisher's account (absent: it could not say). */
  publisherExists?: boolean;
  /**
   * Match the version against the OSV records of ../shared/corpus/osv (real advisories),
   * imported into a temporary advisory database once per test run.
   */
  advisories?: boolean;
  /** Packuments of other packages the check may read (the package a name imitates). */
  related?: Record<string, Record<string, unknown>>;
}

export const DETECTORS_DIR = fileURLToPath(new URL('.', import.meta.url));

export function loadFixtures(detector: string): Fixture[] {
  const out: Fixture[] = [];
  for (const polarity of ['positive', 'negative'] as const) {
    const dir = join(DETECTORS_DIR, detector, 'testdata', polarity);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const text = readFileSync(join(dir, name), 'utf8');
      if (name.endsWith('.registry.json')) {
        const parsed = JSON.parse(text) as RegistryFixture & {
          '//'?: string;
          files?: Record<string, string>;
        };
        const { '//': comment, files, ...registry } = parsed;
        out.push({
          detector,
          polarity,
          name,
          comment: comment ?? '',
          files: files ?? {
            'package.json': JSON.stringify({
              name: registry.packument.name,
              version: registry.version,
            }),
          },
          registry,
        });
      } else if (name.endsWith('.pkg.json')) {
        const parsed = JSON.parse(text) as { '//'?: string; files?: Record<string, string> };
        out.push({
          detector,
          polarity,
          name,
          comment: parsed['//'] ?? '',
          files: parsed.files ?? {},
        });
      } else {
        const first = text.split('\n', 1)[0] ?? '';
        const comment = /^\s*(\/\/|#|\/\*)/.test(first)
          ? first.replace(/^\s*(\/\/|#|\/\*)\s*/, '')
          : '';
        out.push({
          detector,
          polarity,
          name,
          comment,
          files: {
            'package.json': JSON.stringify({ name: `fixture-${detector}`, version: '1.0.0' }),
            [name]: text,
          },
        });
      }
    }
  }
  return out;
}
