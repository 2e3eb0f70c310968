// The counter's keyboard map. Function keys work while a field has focus, and never
// while an IME is composing.
export const KEYS = {
  search: 'F2',
  topup: 'F6',
  pin: 'F7',
  direct: 'F8',
  pending: 'F9',
  redeem: 'F10',
  shift: 'F12',
  reprint: 'F4',
} as const;

export type Action = keyof typeof KEYS;

export function actionOf(e: { key: string; isComposing?: boolean; ctrlKey?: boolean }): Action | null {
  if (e.isComposing) return null;
  if (e.ctrlKey && (e.key === 'p' || e.key === 'P')) return 'reprint';
  for (const [a, k] of Object.entries(KEYS)) if (k === e.key) return a as Action;
  return null;
}
