import { describe, expect, it } from 'vitest';
import { decimalDeclarationProblems, DECIMAL_PROPERTY } from './decimal-property.js';
import { loadStreamSchema } from './schema-reader.js';
import { STREAM_NAMES } from './stream-registry.js';

describe('decimal declarations', () => {
  it.each(STREAM_NAMES)('%s declares every amount as exact decimal text, one way', (stream) => {
    expect(decimalDeclarationProblems(loadStreamSchema(stream))).toEqual([]);
  });

  it('finds an amount declared as a JSON number, and a decimal declared another way', () => {
    const schema = {
      type: 'object',
      properties: {
        closing_balance: { type: ['null', 'number'] },
        amount: { ...DECIMAL_PROPERTY, type: ['string'] },
        nested: { type: 'object', properties: { txn_amount: { type: 'string' } } },
        fine: { ...DECIMAL_PROPERTY, description: 'descriptions are free' },
      },
    };
    expect(decimalDeclarationProblems(schema)).toEqual([
      '#/properties/closing_balance: an amount, so it must be declared as DECIMAL_PROPERTY (exact decimal text)',
      '#/properties/amount: type must be ["null","string"]',
      '#/properties/nested/properties/txn_amount: an amount, so it must be declared as DECIMAL_PROPERTY (exact decimal text)',
    ]);
  });
});
