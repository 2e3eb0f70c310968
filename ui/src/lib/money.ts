// Money arrives as a decimal string in 元 ("50.00"); it is only formatted here, never
// computed with floats.
export function yuan(s: string | null | undefined): string {
  if (s == null || s === '') return '';
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const [int, frac = ''] = body.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}¥${grouped}.${(frac + '00').slice(0, 2)}`;
}
