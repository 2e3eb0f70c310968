// Business days (UTC+8, the store's calendar) as YYYY-MM-DD, for the report ranges.
const DAY = 86_400_000;

export function dayOf(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

export function today(): string {
  return dayOf(Date.now());
}

/** The range of the last `n` days ending today. */
export function lastDays(n: number): { from: string; to: string } {
  const now = Date.now();
  return { from: dayOf(now - (n - 1) * DAY), to: dayOf(now) };
}
