/**
 * Amounts are held as integer paise and printed as decimal strings, so no value ever goes
 * through a binary float (the contract requires exact decimals).
 */
export function paiseToDecimal(paise: number): string {
  const negative = paise < 0;
  const abs = Math.abs(paise);
  const rupees = Math.floor(abs / 100);
  const cents = abs - rupees * 100;
  return `${negative ? '-' : ''}${rupees}.${cents < 10 ? '0' : ''}${cents}`;
}

/**
 * Some providers send amounts as JSON numbers. The number is parsed from the exact decimal
 * string, which yields the double whose shortest printout is that same decimal.
 */
export function paiseToJsonNumber(paise: number): number {
  return Number(paiseToDecimal(paise));
}
