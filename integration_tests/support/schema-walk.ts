/**
 * Walks the schema positions of a JSON Schema (the root, `properties/*`, `items`,
 * `additionalProperties`, and the variants of `oneOf`/`anyOf`/`allOf`), so rules like "no
 * allOf anywhere" look at keywords and never trip over a property that happens to be named `not`.
 */
export type SchemaNode = Record<string, unknown>;

export function schemaNodes(node: SchemaNode, path = '#'): Array<[path: string, node: SchemaNode]> {
  const out: Array<[string, SchemaNode]> = [[path, node]];
  const isSchema = (value: unknown): value is SchemaNode => typeof value === 'object' && value !== null && !Array.isArray(value);
  const properties = node['properties'];
  if (isSchema(properties)) {
    for (const [name, child] of Object.entries(properties)) if (isSchema(child)) out.push(...schemaNodes(child, `${path}/properties/${name}`));
  }
  for (const key of ['items', 'additionalProperties', 'not', 'if', 'then', 'else']) {
    const child = node[key];
    if (isSchema(child)) out.push(...schemaNodes(child, `${path}/${key}`));
  }
  for (const key of ['oneOf', 'anyOf', 'allOf', 'items']) {
    const variants = node[key];
    if (Array.isArray(variants)) variants.forEach((v, i) => isSchema(v) && out.push(...schemaNodes(v, `${path}/${key}/${i}`)));
  }
  return out;
}

/** `path/keyword` for every use of one of `keywords` at a schema position. */
export function keywordUses(schema: SchemaNode, keywords: readonly string[]): string[] {
  return schemaNodes(schema).flatMap(([path, node]) => keywords.filter((k) => k in node).map((k) => `${path}/${k}`));
}

/** Whether a field path (e.g. ['updated_at']) is declared under nested `properties`. */
export function hasPropertyPath(schema: SchemaNode, path: readonly string[]): boolean {
  let node: SchemaNode | undefined = schema;
  for (const key of path) {
    node = (node?.['properties'] as Record<string, SchemaNode> | undefined)?.[key];
    if (node === undefined) return false;
  }
  return true;
}
