/**
 * An integer count of 10^-scale units printed as an exact decimal ("12345", 3 -> "12.345"),
 * for units and NAVs that carry more places than paise. No float ever touches the digits.
 */
export function scaledToDecimal(value: number, scale: number): string {
  const negative = value < 0;
  const digits = String(Math.abs(value)).padStart(scale + 1, '0');
  const cut = digits.length - scale;
  return `${negative ? '-' : ''}${digits.slice(0, cut)}${scale > 0 ? `.${digits.slice(cut)}` : ''}`;
}
