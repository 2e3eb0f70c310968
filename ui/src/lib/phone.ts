// Mainland mobile numbers as the cashier sees them: digits only, grouped 3-4-4.

/** Keeps the digits of what was typed or pasted (spaces, dashes, +86 dropped). */
export function digits(s: string): string {
  let d = s.replace(/[^0-9]/g, '');
  if (d.length === 13 && d.startsWith('86')) d = d.slice(2);
  return d;
}

/** `13800138000` → `138 0013 8000` (partial input grouped as far as it goes). */
export function group(s: string): string {
  const d = digits(s).slice(0, 11);
  const parts = [d.slice(0, 3), d.slice(3, 7), d.slice(7, 11)].filter((p) => p.length > 0);
  return parts.join(' ');
}

/** Eleven digits starting 1[3-9]: the shape of a mainland mobile number. */
export function looksMobile(s: string): boolean {
  return /^1[3-9]\d{9}$/.test(digits(s));
}
