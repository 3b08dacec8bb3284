/**
 * The one way a stream schema declares an exact decimal (amounts, balances, units): a JSON
 * string holding the decimal's exact text, never a JSON number.
 *
 * Why a string: Airbyte has no decimal type. Its `number` is what Destinations V2 store as
 * NUMERIC in Postgres and BigQuery but as FLOAT in Snowflake, and a Python destination parses
 * it into a float; a string is kept as its exact text by every destination. Our own `sync`
 * reads `format: decimal` (connector/load/table-mapping.ts) and stores DECIMAL/NUMERIC,
 * parsing the text in the database, never in JavaScript. README, "Amounts in warehouses".
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
