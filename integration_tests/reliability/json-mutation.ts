/**
 * Pure helpers that break a FinPro JSON answer in one chosen way: the property-based
 * bad-server cases pick a path of the real answer and an operation, and these apply it.
 */
export type JsonPath = (string | number)[];

export const MUTATION_OPS = ['delete', 'null', 'number', 'negative', 'string', 'bool', 'array', 'object', 'huge-string', 'unknown-enum'] as const;
export type MutationOp = (typeof MUTATION_OPS)[number];

/** Every path of the value (objects and arrays walked), in a stable order, the root excluded. */
export function pathsOf(value: unknown, maxPaths = 5_000): JsonPath[] {
  const out: JsonPath[] = [];
  const walk = (node: unknown, path: JsonPath): void => {
    if (out.length >= maxPaths || node === null || typeof node !== 'object') return;
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, child] of entries) {
      out.push([...path, key]);
      walk(child, [...path, key]);
    }
  };
  walk(value, []);
  return out;
}

function replacement(op: MutationOp, old: unknown): unknown {
  switch (op) {
    case 'null':
      return null;
    case 'number':
      return 7;
    case 'negative':
      return -1;
    case 'string':
      return typeof old === 'string' ? `${old}-x` : 'not-what-you-expected';
    case 'bool':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    case 'huge-string':
      return 'x'.repeat(2_000_000);
    case 'unknown-enum':
      return 'SOMETHING_NEW';
    case 'delete':
      return undefined;
  }
}

/** A deep copy of `value` with `op` applied at `path`. */
export function mutateAt(value: unknown, path: JsonPath, op: MutationOp): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (op === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    parent[last] = replacement(op, parent[last]);
  }
  return copy;
}

/** Applies `fn` to every object in the value (for "extra fields everywhere" and similar). */
export function mapObjects(value: unknown, fn: (object: Record<string, unknown>, key: string | number | undefined) => Record<string, unknown>): unknown {
  const walk = (node: unknown, key: string | number | undefined): unknown => {
    if (Array.isArray(node)) return node.map((child, i) => walk(child, i));
    if (node === null || typeof node !== 'object') return node;
    const mapped: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) mapped[k] = walk(v, k);
    return fn(mapped, key);
  };
  return walk(value, undefined);
}

export function pathText(path: JsonPath): string {
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('').replace(/^\./, '') || '(root)';
}
