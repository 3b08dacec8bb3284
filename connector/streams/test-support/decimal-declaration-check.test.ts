import { describe, expect, it } from 'vitest';
import { decimalDeclarationProblems, DECIMAL_PROPERTY } from './decimal-declaration-check.js';

// Every stream schema is held to this check in catalog-builder.test.ts; here, that it finds what it should.
describe('decimalDeclarationProblems', () => {
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
