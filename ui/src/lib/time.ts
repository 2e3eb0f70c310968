// Times as the counter shows them: 24-hour clock in the UI's language, the store's local time.
import { lang } from './i18n';

export function clock(ms: number | bigint | null | undefined): string {
  if (ms == null) return '';
  return new Intl.DateTimeFormat(lang(), { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(Number(ms));
}

export function dateTime(ms: number | bigint | null | undefined): string {
  if (ms == null) return '';
  return new Intl.DateTimeFormat(lang(), {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(Number(ms));
}
