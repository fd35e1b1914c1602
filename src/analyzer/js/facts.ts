/**
 * One parse and one walk per JS/TS file, turned into facts every detector can query: which
 * modules are loaded and how, which calls are made (callee resolved through `require` and
 * `import` bindings to a dotted path like `child_process.exec`), which environment variables
 * are read, and every string literal. Detectors read these instead of walking the AST again,
 * so adding a detector costs a query, not a traversal.
 *
 * Parser: oxc-parser, the fastest JS/TS parser with a Node API, which takes modern syntax,
 * TypeScript and JSX. It does not recover from syntax errors, so a file it rejects (often on
 * purpose: malware authors break parsers) falls back to a lexical scan that still yields
 * strings, module loads and the calls scanners care about; `facts.parsed` says which path ran.
 *
 * Binding resolution is by name, not by scope: `const cp = require('child_process')` makes
 * every `cp.x` a child_process call anywhere in the file. Shadowing that would fool it is rare
 * in real code, and erring towards "is a capability" is the safe side for a security scanner.
 */
import { parseSync, rawTransferSupported, visitorKeys } from 'oxc-parser';

export interface ModuleLoad {
  /** Module specifier with any `node:` prefix removed; undefined when computed at run time. */
  module: string | undefined;
  how: 'require' | 'import' | 'import()' | 'require.resolve';
  start: number;
  end: number;
}

export interface CallFact {
  /** Dotted callee path after binding resolution (`child_process.exec`, `eval`, `fetch`). */
  callee: string;
  isNew: boolean;
  /** A coarse kind per argument. */
  args: ArgKind[];
  /** The first argument when it is a plain string literal (or a template without expressions). */
  firstString?: string;
  /** [start, end) of each argument, to read its source text. */
  argSpans: [number, number][];
  start: number;
  end: number;
}

export type ArgKind =
  'string' | 'template' | 'number' | 'identifier' | 'call' | 'function' | 'other';

export interface EnvRead {
  /** The variable name; undefined for computed access or the whole `process.env`. */
  name: string | undefined;
  whole: boolean;
  start: number;
  end: number;
}

export interface StringFact {
  value: string;
  start: number;
  end: number;
  /**
   * A string the code builds from constants rather than writes out: literal concatenations
   * (`'https://disc' + 'ord.com/api/web' + 'hooks/…'`), `[…].join('')` of literals,
   * `String.fromCharCode(…)` of numbers, `atob`/`Buffer.from(…, 'base64')` of a short literal.
   * Splitting and encoding are how malware hides endpoints from string scanners; the folded
   * value is what runs. Detectors that measure how strings look (length, entropy) skip these.
   */
  folded?: true;
}

export interface JsFacts {
  /** True when oxc parsed the file; false when the lexical fallback produced these facts. */
  parsed: boolean;
  parseError?: string;
  modules: ModuleLoad[];
  calls: CallFact[];
  env: EnvRead[];
  strings: StringFact[];
  /** Member paths read (dotted, resolved), e.g. `process.binding`, `v8.setFlagsFromString`. */
  members: { path: string; start: number; end: number }[];
  identifiers: { total: number; hexNamed: number };
  /** The AST, for detectors that need more than the facts (undefined after the fallback). */
  program?: unknown;
}

type Node = { type: string; start: number; end: number; [key: string]: unknown };

/** Bounds: a hostile file cannot make the walk or the facts grow without end. */
const MAX_STRINGS = 20_000;
const MAX_CALLS = 50_000;
const MAX_DEPTH = 2_000;
/** Folding constant strings: parts per expression and characters per result. */
const MAX_FOLD_PARTS = 1_000;
const MAX_FOLDED = 4_096;
/** Deepest recursion of a path resolution (member chains, parentheses). */
const PATH_DEPTH = 32;
/** javascript-obfuscator's renamed identifiers. */
const HEX_NAME = /^_0x[0-9a-f]{3,}$/i;

/**
 * How the AST crosses from oxc's Rust side to JavaScript. `json`: serialised to a JSON string
 * and parsed back, about three quarters of a parse's cost. `raw`: oxc's raw transfer, which
 * reads the AST straight out of the parser's arena buffer, about four times faster overall and
 * the same ESTree (src/analyzer/js/transfer.test.ts checks the facts agree). Raw transfer needs
 * Node 22+ on a 64-bit little-endian machine (an ArrayBuffer over 4 GiB, virtual only), so
 * Node 20 keeps the JSON path.
 */
export type AstTransfer = 'raw' | 'json';
type ParseOptions = NonNullable<Parameters<typeof parseSync>[2]>;

export const DEFAULT_TRANSFER: AstTransfer =
  process.env.DEPWARDEN_AST_TRANSFER === 'json' || !rawTransferSupported() ? 'json' : 'raw';

export function extractFacts(
  path: string,
  text: string,
  transfer: AstTransfer = DEFAULT_TRANSFER,
): JsFacts {
  const lang = /\.(c|m)?tsx?$/.test(path) ? path : path.replace(/\.(c|m)?js$/, '.js');
  const raw = (transfer === 'raw' ? { experimentalRawTransfer: true } : {}) as ParseOptions;
  const options = { sourceType: 'unambiguous', ...raw } as ParseOptions;
  let result: ReturnType<typeof parseSync> | undefined;
  try {
    result = parseSync(/\.(c|m)?tsx?$/.test(lang) ? lang : 'file.js', text, options);
  } catch (err) {
    return lexicalFacts(text, err instanceof Error ? err.message : String(err));
  }
  if (result.errors.length > 0 && result.program.body.length === 0) {
    // A .js file may be JSX; try once more before falling back.
    const retry = parseSync('file.jsx', text, raw);
    if (retry.errors.length === 0 || retry.program.body.length > 0) result = retry;
    else return lexicalFacts(text, result.errors[0]?.message ?? 'syntax error');
  }
  const walker = new Walker();
  walker.walk(result.program as unknown as Node, 0);
  return walker.finish(result.program);
}

/**
 * A call fact. `args` and `argSpans` are read for the few calls a detector cares about (a
 * shell command, an eval, a require) and a file has thousands of calls, so both are computed
 * from the argument nodes on first read instead of for every call: the same values, without
 * three small arrays per call for the garbage collector while the AST is alive.
 */
class Call implements CallFact {
  readonly callee: string;
  readonly isNew: boolean;
  readonly start: number;
  readonly end: number;
  declare firstString?: string;
  readonly #argNodes: readonly Node[];
  #args: ArgKind[] | undefined;
  #argSpans: [number, number][] | undefined;

  constructor(callee: string, node: Node, argNodes: readonly Node[]) {
    this.callee = callee;
    this.isNew = node.type === 'NewExpression';
    this.start = node.start;
    this.end = node.end;
    const first = literalString(argNodes[0]);
    if (first !== undefined) this.firstString = first;
    this.#argNodes = argNodes;
  }

  get args(): ArgKind[] {
    return (this.#args ??= this.#argNodes.map(argKind));
  }

  get argSpans(): [number, number][] {
    return (this.#argSpans ??= this.#argNodes.map((a): [number, number] => [a.start, a.end]));
  }
}

class Walker {
  private readonly bindings = new Map<string, string>();
  /** Names the file declares (functions, classes, variables that are not module bindings). */
  private readonly declared = new Set<string>();
  private readonly facts: JsFacts = emptyFacts();
  /** Call and new expressions, resolved in finish() once every binding is known. */
  private readonly pendingCalls: Node[] = [];
  /** Per pending call: where its callee sits in pendingMembers if it is a member expression. */
  private readonly calleeAt: number[] = [];
  private readonly pendingMembers: Node[] = [];
  /** Computed member reads of a member (`process.env[k]`), by their object. */
  private readonly computedOf = new Map<Node, Node>();
  /** Recursion depth path() reached for its last defined result (see memberPaths). */
  private leafDepth = 0;
  private identifierCount = 0;
  private hexNamedCount = 0;
  /** Inner links of a concatenation already folded whole, so they are not folded again. */
  private readonly foldedNodes = new Set<Node>();

  /*
   * The walk is the engine's hottest loop after the parser (one visit per AST node), so it
   * does the least it can per node: one switch on the type, most frequent types first, and a
   * regex only for identifiers that start like an obfuscator's name (`_0x…`).
   */
  walk(node: Node, depth: number): void {
    if (depth > MAX_DEPTH) return;
    const type = node.type;
    switch (type) {
      case 'Identifier': {
        this.identifierCount++;
        const name = node.name as string;
        if (name.charCodeAt(0) === 0x5f && name.charCodeAt(1) === 0x30 && HEX_NAME.test(name))
          this.hexNamedCount++;
        this.children(node, IDENTIFIER_KEYS, depth); // parameter decorators
        return;
      }
      case 'Literal':
        if (typeof node.value === 'string') this.string(node.value, node);
        return; // a leaf
      case 'MemberExpression':
        if (this.pendingMembers.length < MAX_CALLS) {
          this.pendingMembers.push(node);
          if (node.computed === true) this.computedOf.set(node.object as Node, node);
        }
        break;
      case 'BinaryExpression':
        if (node.operator === '+' && !this.foldedNodes.has(node)) this.concatenation(node);
        break;
      case 'CallExpression':
      case 'NewExpression':
        if (type === 'CallExpression') this.constantCall(node);
        if (this.pendingCalls.length < MAX_CALLS) {
          this.pendingCalls.push(node);
          // The callee is walked first, so if it is a member it is the next one recorded.
          this.calleeAt.push(this.pendingMembers.length);
        }
        this.requireCall(node);
        break;
      case 'TemplateElement': {
        const cooked = (node.value as { cooked?: string | null }).cooked;
        if (typeof cooked === 'string' && cooked !== '') this.string(cooked, node);
        return; // a leaf
      }
      case 'VariableDeclarator':
        this.declarator(node);
        break;
      case 'FunctionDeclaration':
      case 'ClassDeclaration': {
        const id = node.id as Node | null;
        if (id?.type === 'Identifier') this.declared.add(id.name as string);
        break;
      }
      case 'ImportDeclaration':
        this.importDecl(node);
        break;
      case 'ImportExpression': {
        const source = node.source as Node;
        this.facts.modules.push({
          module: normaliseModule(literalString(source)),
          how: 'import()',
          start: node.start,
          end: node.end,
        });
        break;
      }
      case 'TSExternalModuleReference': // import x = require('y')
        this.facts.modules.push({
          module: normaliseModule(literalString(node.expression as Node)),
          how: 'require',
          start: node.start,
          end: node.end,
        });
        break;
    }
    const keys = CHILD_KEYS.get(type);
    if (keys !== undefined) this.children(node, keys, depth);
  }

  private children(node: Node, keys: readonly string[], depth: number): void {
    for (let k = 0; k < keys.length; k++) {
      const child = node[keys[k] as string] as Node | Node[] | null | undefined;
      if (child === null || child === undefined) continue;
      if (Array.isArray(child)) {
        for (let i = 0; i < child.length; i++) {
          const c = child[i];
          if (c !== null && c !== undefined) this.walk(c, depth + 1);
        }
      } else if (typeof child.type === 'string') this.walk(child, depth + 1);
    }
  }

  finish(program: unknown): JsFacts {
    this.facts.identifiers.total = this.identifierCount;
    this.facts.identifiers.hexNamed = this.hexNamedCount;
    const members = this.pendingMembers;
    const paths = this.memberPaths();
    for (let j = 0; j < this.pendingCalls.length; j++) {
      const node = this.pendingCalls[j] as Node;
      const at = this.calleeAt[j] as number;
      const callee = members[at] === node.callee ? paths[at] : this.path(node.callee as Node);
      if (callee === undefined) continue;
      const argNodes = node.arguments as Node[];
      const call = new Call(callee, node, argNodes);
      // process.env handed whole to a serialiser or encoder: the shape of env exfiltration.
      if (WHOLE_ENV_SINKS.has(callee)) {
        for (const a of argNodes) {
          if (this.path(a) === 'process.env')
            this.facts.env.push({ name: undefined, whole: true, start: a.start, end: a.end });
        }
      }
      this.facts.calls.push(call);
    }
    for (let i = 0; i < members.length; i++) {
      const node = members[i] as Node;
      const path = paths[i];
      if (path === undefined) continue;
      if (path === 'process.env') {
        // Read whole (spread, passed on, iterated), or indexed by a computed name.
        const member = this.computedOf.get(node);
        if (member !== undefined && literalString(member.property as Node) === undefined)
          this.facts.env.push({
            name: undefined,
            whole: false,
            start: member.start,
            end: member.end,
          });
        continue;
      }
      const object = members[i + 1] === node.object ? paths[i + 1] : this.path(node.object as Node);
      if (object === 'process.env') {
        this.facts.env.push({
          name: path.slice('process.env.'.length),
          whole: false,
          start: node.start,
          end: node.end,
        });
        continue;
      }
      this.facts.members.push({ path, start: node.start, end: node.end });
    }
    this.facts.program = program;
    return this.facts;
  }

  /**
   * path() of every pending member expression. A chain `a.b.c.d` is recorded outermost first
   * and each link's object is the next entry (the walk visits a member's object first), so
   * going backwards each path extends the one just computed instead of resolving the chain
   * again from its root. The result is path()'s exactly, including its depth bound: the
   * recursion depth each path needed is carried along.
   */
  private memberPaths(): (string | undefined)[] {
    const members = this.pendingMembers;
    const paths = new Array<string | undefined>(members.length);
    let nextDepth = 0;
    for (let i = members.length - 1; i >= 0; i--) {
      const node = members[i] as Node;
      let path: string | undefined;
      if (i + 1 < members.length && members[i + 1] === node.object) {
        const object = paths[i + 1];
        if (object !== undefined && nextDepth + 1 <= PATH_DEPTH) {
          const property = propertyName(node);
          if (property !== undefined) {
            path = `${object}.${property}`;
            nextDepth++;
          }
        }
      } else {
        path = this.path(node);
        nextDepth = this.leafDepth;
      }
      paths[i] = path;
    }
    return paths;
  }

  /**
   * `a + b + c` parses as `(a + b) + c`: walk down the left spine. A chain that is constant
   * only in part (`'https://disc' + 'ord.com/' + id`) still folds its constant left end when
   * the walk reaches that inner link.
   */
  private concatenation(node: Node): void {
    const parts: string[] = [];
    const spine: Node[] = [];
    let link = node;
    let length = 0;
    while (link.type === 'BinaryExpression' && link.operator === '+') {
      const right = literalString(link.right as Node);
      if (right === undefined || parts.length >= MAX_FOLD_PARTS) return;
      parts.push(right);
      length += right.length;
      spine.push(link);
      link = link.left as Node;
    }
    const left = literalString(link);
    if (left === undefined || length + left.length > MAX_FOLDED) return;
    parts.push(left);
    for (const inner of spine) this.foldedNodes.add(inner);
    this.folded(parts.reverse().join(''), node);
  }

  /** `[…].join(sep)`, `String.fromCharCode(…)`, `atob(…)`, `Buffer.from(…, 'base64')` of constants. */
  private constantCall(node: Node): void {
    const callee = node.callee as Node;
    const args = node.arguments as Node[];
    if (callee.type === 'MemberExpression' && callee.computed !== true) {
      const method = (callee.property as Node).name;
      const object = callee.object as Node;
      if (method === 'join' && object.type === 'ArrayExpression') {
        const separator = args.length === 0 ? ',' : literalString(args[0]);
        const items = object.elements as (Node | null)[];
        if (separator === undefined || items.length < 2 || items.length > MAX_FOLD_PARTS) return;
        const parts: string[] = [];
        for (const item of items) {
          const part = item === null ? undefined : literalString(item);
          if (part === undefined) return;
          parts.push(part);
        }
        const value = parts.join(separator);
        if (value.length <= MAX_FOLDED) this.folded(value, node);
      } else if (
        method === 'fromCharCode' &&
        object.type === 'Identifier' &&
        object.name === 'String' &&
        args.length >= 4 &&
        args.length <= MAX_FOLDED
      ) {
        const codes: number[] = [];
        for (const a of args) {
          if (a.type !== 'Literal' || typeof a.value !== 'number') return;
          codes.push(a.value);
        }
        this.folded(String.fromCharCode(...codes), node);
      } else if (
        method === 'from' &&
        object.type === 'Identifier' &&
        object.name === 'Buffer' &&
        args.length === 2 &&
        /^base64(?:url)?$/.test(literalString(args[1]) ?? '')
      )
        this.decodedLiteral(literalString(args[0]), node);
    } else if (callee.type === 'Identifier' && callee.name === 'atob' && args.length === 1)
      this.decodedLiteral(literalString(args[0]), node);
  }

  /** A short base64 literal that decodes to printable text: a hidden URL, path or command. */
  private decodedLiteral(encoded: string | undefined, node: Node): void {
    if (encoded === undefined || encoded.length < 8 || encoded.length > MAX_FOLDED) return;
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) return;
    const value = Buffer.from(encoded, 'base64').toString('latin1');
    if (/^[\x20-\x7e\t\r\n]+$/.test(value)) this.folded(value, node);
  }

  private folded(value: string, node: Node): void {
    if (this.facts.strings.length < MAX_STRINGS)
      this.facts.strings.push({ value, start: node.start, end: node.end, folded: true });
  }

  private string(value: string, node: Node): void {
    if (this.facts.strings.length < MAX_STRINGS)
      this.facts.strings.push({ value, start: node.start, end: node.end });
  }

  /** Dotted path of an expression, through bindings: `cp.exec` → `child_process.exec`. */
  private path(node: Node | undefined, depth = 0): string | undefined {
    if (node === undefined || depth > PATH_DEPTH) return undefined;
    switch (node.type) {
      case 'Identifier': {
        this.leafDepth = depth;
        const name = node.name as string;
        const bound = this.bindings.get(name);
        if (bound !== undefined) return bound;
        // A function or variable the file declares itself shadows the global of that name
        // (protobuf.js has its own `fetch`). `require` stays itself: bundlers pass it in.
        return this.declared.has(name) && name !== 'require' ? `local.${name}` : name;
      }
      case 'MemberExpression': {
        const object = this.path(node.object as Node, depth + 1);
        if (object === undefined) return undefined;
        const property = propertyName(node);
        return property === undefined ? undefined : `${object}.${property}`;
      }
      case 'CallExpression': {
        this.leafDepth = depth;
        const module = requireTarget(node);
        return module;
      }
      case 'ParenthesizedExpression':
      case 'ChainExpression':
        return this.path(node.expression as Node, depth + 1);
      case 'SequenceExpression': {
        // `(0, eval)(code)` is an indirect eval; `(0, obj.fn)()` calls obj.fn without `this`.
        const expressions = node.expressions as Node[];
        return this.path(expressions[expressions.length - 1], depth + 1);
      }
      case 'ThisExpression':
        this.leafDepth = depth;
        return 'this';
      case 'MetaProperty':
        this.leafDepth = depth;
        return 'import.meta';
    }
    return undefined;
  }

  private requireCall(node: Node): void {
    const callee = node.callee as Node;
    if (callee.type === 'Identifier' && callee.name === 'require') {
      this.facts.modules.push({
        module: normaliseModule(literalString((node.arguments as Node[])[0])),
        how: 'require',
        start: node.start,
        end: node.end,
      });
    } else if (
      callee.type === 'MemberExpression' &&
      (callee.object as Node).type === 'Identifier' &&
      (callee.object as Node).name === 'require' &&
      (callee.property as Node).name === 'resolve'
    ) {
      this.facts.modules.push({
        module: normaliseModule(literalString((node.arguments as Node[])[0])),
        how: 'require.resolve',
        start: node.start,
        end: node.end,
      });
    }
  }

  private importDecl(node: Node): void {
    const module = normaliseModule(literalString(node.source as Node));
    this.facts.modules.push({ module, how: 'import', start: node.start, end: node.end });
    if (module === undefined) return;
    for (const spec of (node.specifiers as Node[] | undefined) ?? []) {
      const local = (spec.local as Node).name as string;
      if (spec.type === 'ImportSpecifier') {
        const imported = spec.imported as Node;
        const name = (imported.name as string | undefined) ?? literalString(imported);
        this.bindings.set(
          local,
          name === undefined || name === 'default' ? module : `${module}.${name}`,
        );
      } else this.bindings.set(local, module);
    }
  }

  private declarator(node: Node): void {
    const init = node.init as Node | null;
    const id = node.id as Node;
    // `const f = globalThis.fetch || polyfill`: the left side names what it is.
    const target =
      init === null || init === undefined
        ? undefined
        : init.type === 'LogicalExpression'
          ? (this.path(init.left as Node) ?? this.path(init.right as Node))
          : this.path(init);
    if (target === undefined) {
      if (id.type === 'Identifier') this.declared.add(id.name as string);
      return;
    }
    if (id.type === 'Identifier') {
      this.bindings.set(id.name as string, target);
    } else if (id.type === 'ObjectPattern') {
      for (const prop of id.properties as Node[]) {
        if (prop.type !== 'Property') continue;
        const key =
          prop.computed === true
            ? literalString(prop.key as Node)
            : ((prop.key as Node).name as string | undefined);
        const value = prop.value as Node;
        const local = value.type === 'AssignmentPattern' ? (value.left as Node) : value;
        if (key !== undefined && local.type === 'Identifier')
          this.bindings.set(local.name as string, `${target}.${key}`);
      }
    }
  }
}

/**
 * Child keys to walk per node type: oxc's visitor keys minus what only describes types
 * (annotations, type arguments and parameters) and minus TypeScript type nodes, which never
 * run. TypeScript nodes that hold runtime code (enums, namespaces, `import x = require()`,
 * assertions) are kept. A third of a TypeScript AST is types; JavaScript ASTs carry the same
 * keys as nulls.
 */
const TYPE_ONLY_KEYS = new Set([
  'typeAnnotation',
  'typeArguments',
  'typeParameters',
  'returnType',
  'superTypeArguments',
  'implements',
]);
const RUNTIME_TS = new Set([
  'TSAsExpression',
  'TSSatisfiesExpression',
  'TSNonNullExpression',
  'TSTypeAssertion',
  'TSInstantiationExpression',
  'TSEnumDeclaration',
  'TSEnumBody',
  'TSEnumMember',
  'TSModuleDeclaration',
  'TSModuleBlock',
  'TSExportAssignment',
  'TSImportEqualsDeclaration',
  'TSExternalModuleReference',
  'TSParameterProperty',
]);
const CHILD_KEYS = new Map<string, readonly string[]>(
  Object.entries(visitorKeys as Record<string, readonly string[]>).flatMap(([type, keys]) =>
    type.startsWith('TS') && !RUNTIME_TS.has(type)
      ? []
      : [[type, keys.filter((k) => !TYPE_ONLY_KEYS.has(k))] as const],
  ),
);

const IDENTIFIER_KEYS = CHILD_KEYS.get('Identifier') ?? [];

/**
 * Calls that turn the whole environment into data to send: serialise, encode, or take every
 * value. Listing the names (`Object.keys(process.env)`) is not among them: the debug package
 * and every tool that reads prefixed variables (VITE_*, DEBUG_*) does that.
 */
const WHOLE_ENV_SINKS = new Set([
  'JSON.stringify',
  'Object.entries',
  'Object.values',
  'Buffer.from',
  'String',
  'encodeURIComponent',
  'btoa',
  'querystring.stringify',
  'util.inspect',
]);

function requireTarget(node: Node): string | undefined {
  const callee = node.callee as Node;
  if (callee.type === 'Identifier' && callee.name === 'require')
    return normaliseModule(literalString((node.arguments as Node[])[0]));
  return undefined;
}

/** The property a member expression reads: its name, or a literal computed key. */
function propertyName(node: Node): string | undefined {
  return node.computed === true
    ? literalString(node.property as Node)
    : ((node.property as Node).name as string | undefined);
}

function normaliseModule(module: string | undefined): string | undefined {
  return module?.startsWith('node:') === true ? module.slice(5) : module;
}

function literalString(node: Node | undefined): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && (node.expressions as Node[]).length === 0) {
    const q = (node.quasis as Node[])[0];
    const cooked = (q?.value as { cooked?: string | null } | undefined)?.cooked;
    return typeof cooked === 'string' ? cooked : undefined;
  }
  return undefined;
}

function argKind(node: Node): ArgKind {
  switch (node.type) {
    case 'Literal':
      return typeof node.value === 'string'
        ? 'string'
        : typeof node.value === 'number'
          ? 'number'
          : 'other';
    case 'TemplateLiteral':
      return (node.expressions as Node[]).length === 0 ? 'string' : 'template';
    case 'Identifier':
      return 'identifier';
    case 'CallExpression':
    case 'NewExpression':
      return 'call';
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return 'function';
  }
  return 'other';
}

/**
 * The fallback for files the parser rejects: string literals by a quote-aware scan, module
 * loads and the calls detectors look for by pattern. Coarser than the AST, never empty-handed.
 */
/** Facts with nothing found yet (as the parser path starts them). */
function emptyFacts(): JsFacts {
  return {
    parsed: true,
    modules: [],
    calls: [],
    env: [],
    strings: [],
    members: [],
    identifiers: { total: 0, hexNamed: 0 },
  };
}

export function lexicalFacts(text: string, error: string): JsFacts {
  const facts: JsFacts = { ...emptyFacts(), parsed: false, parseError: error };
  const stringRe = /(["'`])((?:\\[\s\S]|(?!\1)[^\\\n])*)\1/g;
  for (
    let m = stringRe.exec(text);
    m !== null && facts.strings.length < MAX_STRINGS;
    m = stringRe.exec(text)
  ) {
    facts.strings.push({
      value: unescapeLoose(m[2] as string),
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  const requireRe = /\b(require|import)\s*\(\s*(["'`])([^"'`]*)\2\s*\)/g;
  for (let m = requireRe.exec(text); m !== null; m = requireRe.exec(text)) {
    facts.modules.push({
      module: normaliseModule(m[3]),
      how: m[1] === 'require' ? 'require' : 'import()',
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  const usesChildProcess = text.includes('child_process');
  const callRe = /\b(eval|Function|exec|execSync|spawn|spawnSync|execFile|fetch|atob)\s*\(/g;
  for (
    let m = callRe.exec(text);
    m !== null && facts.calls.length < MAX_CALLS;
    m = callRe.exec(text)
  ) {
    const name = m[1] as string;
    facts.calls.push({
      callee:
        /^(exec|execSync|spawn|spawnSync|execFile)$/.test(name) && usesChildProcess
          ? `child_process.${name}`
          : name,
      isNew: false,
      args: [],
      argSpans: [],
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  const envRe = /\bprocess\.env(?:\.([A-Za-z_$][\w$]*)|\[\s*["']([^"']+)["']\s*\])?/g;
  for (let m = envRe.exec(text); m !== null; m = envRe.exec(text)) {
    const name = m[1] ?? m[2];
    const whole =
      name === undefined &&
      /(stringify|entries|values|from|btoa|encodeURIComponent|inspect)\(\s*$/.test(
        text.slice(Math.max(0, m.index - 24), m.index),
      );
    if (name !== undefined || whole)
      facts.env.push({ name, whole, start: m.index, end: m.index + m[0].length });
  }
  const idRe = /\b_0x[0-9a-f]{3,}\b/gi;
  facts.identifiers.hexNamed = (text.match(idRe) ?? []).length;
  facts.identifiers.total = (text.match(/\b[A-Za-z_$][\w$]*\b/g) ?? []).length;
  return facts;
}

function unescapeLoose(raw: string): string {
  return raw.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[\s\S])/g, (_, e: string) => {
    if (e.startsWith('x') || (e.startsWith('u') && e.length === 5))
      return String.fromCharCode(parseInt(e.slice(1), 16));
    return e === 'n' ? '\n' : e === 't' ? '\t' : e;
  });
}
