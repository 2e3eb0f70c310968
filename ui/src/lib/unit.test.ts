import { describe, expect, it } from 'vitest';
import { digits, group, looksMobile } from './phone';
import { yuan } from './money';
import { ScanBuffer } from './scanner';
import { actionOf } from './keys';
import { ids, t, setLang } from './i18n';

describe('phone numbers', () => {
  it.each([
    ['13800138000', '138 0013 8000'],
    ['138-0013-8000', '138 0013 8000'],
    ['+86 138 0013 8000', '138 0013 8000'],
    ['1380', '138 0'],
    ['', ''],
  ])('groups %s as %s', (input, want) => expect(group(input)).toBe(want));
  it('keeps digits only and drops the country code', () => {
    expect(digits('+86 139-0013-9000')).toBe('13900139000');
  });
  it.each([
    ['13800138000', true],
    ['12800138000', false],
    ['1380013800', false],
    ['138001380001', false],
  ])('%s looks mobile: %s', (n, ok) => expect(looksMobile(n)).toBe(ok));
});

describe('money at the edge', () => {
  it.each([
    ['50', '¥50.00'],
    ['50.5', '¥50.50'],
    ['1234567.89', '¥1,234,567.89'],
    ['-3.10', '-¥3.10'],
  ])('%s → %s', (s, want) => expect(yuan(s)).toBe(want));
});

describe('scanner wedge', () => {
  const feed = (b: ScanBuffer, s: string, start: number, step: number) => {
    let last: ReturnType<ScanBuffer['key']> = { kind: 'none' };
    let at = start;
    for (const ch of s) {
      last = b.key(ch, at);
      at += step;
    }
    return { last, at };
  };
  it('a fast burst ending in Enter is a scan', () => {
    const b = new ScanBuffer();
    const { at } = feed(b, '6901234567892', 0, 8);
    expect(b.key('Enter', at)).toEqual({ kind: 'scan', code: '6901234567892' });
  });
  it('a person typing slowly never makes a scan', () => {
    const b = new ScanBuffer();
    const { at } = feed(b, '6901234567892', 0, 180);
    expect(b.key('Enter', at).kind).toBe('none');
  });
  it('a short fast burst is reported, not dropped', () => {
    const b = new ScanBuffer();
    const { at } = feed(b, '1234', 0, 5);
    expect(b.key('Tab', at)).toEqual({ kind: 'short', code: '1234' });
  });
  it('keys while an IME composes break the burst', () => {
    const b = new ScanBuffer();
    feed(b, '690123', 0, 5);
    b.key('x', 31, true);
    expect(b.key('Enter', 35).kind).toBe('none');
  });
});

describe('keyboard map', () => {
  it('maps function keys and ignores composing', () => {
    expect(actionOf({ key: 'F6' })).toBe('topup');
    expect(actionOf({ key: 'F10' })).toBe('redeem');
    expect(actionOf({ key: 'p', ctrlKey: true })).toBe('reprint');
    expect(actionOf({ key: 'F6', isComposing: true })).toBeNull();
    expect(actionOf({ key: 'a' })).toBeNull();
  });
});

describe('message catalog', () => {
  it('zh-CN and English define the same ids', () => {
    expect(new Set(ids('en'))).toEqual(new Set(ids('zh-CN')));
  });
  it('renders arguments in both languages, Chinese by default', () => {
    setLang('zh-CN');
    expect(t('ui.pending_count', { n: 2 })).toBe('待确认 2');
    setLang('en');
    expect(t('ui.pending_count', { n: 2 })).toBe('Pending 2');
    setLang('zh-CN');
  });
  it('every ui id used in the screens exists', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const dir = path.resolve(__dirname, '..');
    const have = new Set(ids('zh-CN'));
    const missing: string[] = [];
    for (const f of fs.readdirSync(dir)) {
      if (!f.endsWith('.svelte')) continue;
      const src = fs.readFileSync(path.join(dir, f), 'utf8');
      for (const m of src.matchAll(/t\('(ui\.[\w.-]+)'(?!\s*\+)/g)) {
        if (!have.has(m[1].replaceAll('.', '-'))) missing.push(`${f}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
