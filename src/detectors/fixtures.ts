/**
 * Loads a detector's fixtures (src/detectors/<id>/testdata/{positive,negative}/) as package
 * tarballs: a `.pkg.json` fixture is `{ "//": "what it shows", "files": {path: text} }`; any
 * other file is a single source file, packed with a minimal package.json. Every fixture must
 * say in its first line (or its "//" key) what it shows or why it must not match.
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
}

export const DETECTORS_DIR = fileURLToPath(new URL('.', import.meta.url));

export function loadFixtures(detector: string): Fixture[] {
  const out: Fixture[] = [];
  for (const polarity of ['positive', 'negative'] as const) {
    const dir = join(DETECTORS_DIR, detector, 'testdata', polarity);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const text = readFileSync(join(dir, name), 'utf8');
      if (name.endsWith('.pkg.json')) {
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
