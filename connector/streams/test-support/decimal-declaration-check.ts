/**
 * The one way a stream schema (schemas/<stream>.json) declares an exact decimal (amounts,
 * balances, units): a JSON string holding the decimal's exact text, never a JSON number. Why
 * a string: README, "Amounts in warehouses". `format: decimal` is what our `sync` reads to
 * store a DECIMAL/NUMERIC column (connector/load/table-mapping.ts), so a schema that spells
 * a decimal another way would silently load it as text or a float.
 */
export const DECIMAL_PROPERTY = Object.freeze({
  type: Object.freeze(['null', 'string']),
  pattern: '^-?[0-9]+(\\.[0-9]+)?$',
  format: 'decimal',
});

/** Property names that hold money or quantities: they must be declared as DECIMAL_PROPERTY. */
const AMOUNT_NAME = /(^|_)(amount|balance)$/;

type Node = Record<string, unknown>;

/**
 * Every schema position that declares a decimal differently from DECIMAL_PROPERTY (other
 * keys like `description` aside), and every amount-named property that is not a decimal.
 */
export function decimalDeclarationProblems(schema: Node, path = '#'): string[] {
  const problems: string[] = [];
  const properties = schema['properties'];
  if (typeof properties === 'object' && properties !== null) {
    for (const [name, child] of Object.entries(properties as Record<string, Node>)) {
      const at = `${path}/properties/${name}`;
      const declaredDecimal = child['format'] === 'decimal';
      if (declaredDecimal) {
        for (const [key, value] of Object.entries(DECIMAL_PROPERTY)) {
          if (JSON.stringify(child[key]) !== JSON.stringify(value)) problems.push(`${at}: ${key} must be ${JSON.stringify(value)}`);
        }
      } else if (AMOUNT_NAME.test(name) && child['type'] !== 'object') {
        problems.push(`${at}: an amount, so it must be declared as DECIMAL_PROPERTY (exact decimal text)`);
      }
      problems.push(...decimalDeclarationProblems(child, at));
    }
  }
  const items = schema['items'];
  if (typeof items === 'object' && items !== null && !Array.isArray(items)) problems.push(...decimalDeclarationProblems(items as Node, `${path}/items`));
  return problems;
}
