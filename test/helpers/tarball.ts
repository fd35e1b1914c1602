/**
 * Builds tarballs in memory for tests, byte by byte, so tests can make the hostile ones real
 * tools refuse to write: `..` and absolute paths, duplicate entries, symlinks and hardlinks,
 * pax headers, GNU long names, a root folder other than `package/`, gzip bombs.
 */
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  path: string;
  /** File content; directories and links have none. */
  content?: string | Uint8Array;
  /** '0' file (default), '2' symlink, '1' hardlink, '5' directory, 'x' pax, 'L' GNU long name. */
  type?: '0' | '1' | '2' | '5' | 'x' | 'L';
  linkTarget?: string;
  mode?: number;
  /** Pax records to put in a preceding 'x' header (e.g. { path: 'package/long...' }). */
  pax?: Record<string, string>;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, type: string, linkTarget = '', mode = 0o644): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write(octal(mode, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(0, 12), 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write(linkTarget.slice(0, 100), 157, 'utf8');
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function pad(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest)]);
}

function paxBody(records: Record<string, string>): Buffer {
  let out = '';
  for (const [k, v] of Object.entries(records)) {
    const rec = ` ${k}=${v}\n`;
    let len = rec.length + 1;
    while (String(len).length + rec.length !== len) len = String(len).length + rec.length;
    out += `${len}${rec}`;
  }
  return Buffer.from(out, 'utf8');
}

/** The uncompressed tar archive. */
export function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (e.pax !== undefined) {
      const body = paxBody(e.pax);
      parts.push(header('PaxHeader', body.length, 'x'), pad(body));
    }
    const type = e.type ?? '0';
    const data =
      e.content === undefined
        ? Buffer.alloc(0)
        : typeof e.content === 'string'
          ? Buffer.from(e.content, 'utf8')
          : Buffer.from(e.content);
    parts.push(header(e.path, data.length, type, e.linkTarget, e.mode), pad(data));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A gzipped tarball, like the registry serves. */
export function tgz(entries: readonly TarEntry[]): Buffer {
  return gzipSync(tar(entries));
}

/** A package tarball from a file map, all under `package/`. */
export function packageTgz(files: Record<string, string>): Buffer {
  return tgz(
    Object.entries(files).map(([path, content]) => ({ path: `package/${path}`, content })),
  );
}
