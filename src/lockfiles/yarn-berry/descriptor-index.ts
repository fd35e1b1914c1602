/**
 * The descriptor → entry index of a berry lockfile, shaped for edge lookups.
 *
 * Every dependency edge looks its descriptor up (`name@range`). Keyed by the whole string,
 * each lookup first builds that string (a concatenation V8 must flatten and hash); keyed by
 * name then range with a Map per name, the index costs a hash table per package name (more
 * than half a megabyte on a large file). So: name → a short list of [range, entry] pairs,
 * scanned in order; nearly every name has one to three descriptors. Descriptors without an
 * `@` after their first character have no range and sit in a small map of their own.
 */
import type { Interner } from '../internal/yarn-descriptor.js';
import type { Entry } from './fast-entries.js';

export class DescriptorIndex {
  /** Name → range, entry, range, entry… */
  private readonly byName = new Map<string, (string | Entry)[]>();
  /** Descriptors that do not split into name and range. */
  private readonly unsplit = new Map<string, Entry>();

  /**
   * `strings` is the interner the entries' dependencies went through: names and ranges kept
   * here are then the very strings edges look up with (hash cached, equal by identity).
   */
  constructor(private readonly strings: Interner) {}

  /** The entry of `name@range`, as if looked up by that string. */
  get(name: string, range: string): Entry | undefined {
    // `name@range` splits back into (name, range) unless the name holds an `@` of its own.
    if (name.length > 0 && name.indexOf('@', 1) === -1) return this.find(name, range);
    return this.getDescriptor(`${name}@${range}`);
  }

  getDescriptor(descriptor: string): Entry | undefined {
    const at = descriptor.indexOf('@', 1);
    if (at === -1) return this.unsplit.get(descriptor);
    return this.find(descriptor.slice(0, at), descriptor.slice(at + 1));
  }

  set(descriptor: string, entry: Entry): void {
    const at = descriptor.indexOf('@', 1);
    if (at === -1) {
      this.unsplit.set(descriptor, entry);
      return;
    }
    const name = this.strings.intern(descriptor.slice(0, at));
    const range = this.strings.intern(descriptor.slice(at + 1));
    const pairs = this.byName.get(name);
    if (pairs === undefined) {
      this.byName.set(name, [range, entry]);
      return;
    }
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] === range) {
        pairs[i + 1] = entry;
        return;
      }
    }
    pairs.push(range, entry);
  }

  /**
   * Calls `visit` with every descriptor as name, range and entry; for a descriptor without a
   * range, `name` is undefined and `range` is the whole descriptor.
   */
  forEach(visit: (name: string | undefined, range: string, entry: Entry) => void): void {
    // forEach rather than for…of: no [key, value] array per entry.
    this.byName.forEach((pairs, name) => {
      for (let i = 0; i < pairs.length; i += 2)
        visit(name, pairs[i] as string, pairs[i + 1] as Entry);
    });
    this.unsplit.forEach((entry, descriptor) => visit(undefined, descriptor, entry));
  }

  /**
   * The one resolution the `npm:` descriptors of a name point to; undefined when there are
   * none or they disagree.
   */
  onlyNpmResolution(name: string): string | undefined {
    const pairs = this.byName.get(name);
    if (pairs === undefined) return undefined;
    let found: string | undefined;
    for (let i = 0; i < pairs.length; i += 2) {
      if (!(pairs[i] as string).startsWith('npm:')) continue;
      const resolution = (pairs[i + 1] as Entry).resolution;
      if (found === undefined) found = resolution;
      else if (found !== resolution) return undefined;
    }
    return found;
  }

  private find(name: string, range: string): Entry | undefined {
    const pairs = this.byName.get(name);
    if (pairs === undefined) return undefined;
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] === range) return pairs[i + 1] as Entry;
    }
    return undefined;
  }
}
