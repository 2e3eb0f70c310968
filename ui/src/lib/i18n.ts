// The UI's words come from the same Fluent catalog as the back end and the receipts
// (crates/core/locales). zh-CN is the default; English is complete (a Rust test checks
// both languages define the same keys).
import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';
import zhCore from '../../../crates/core/locales/zh-CN/core.ftl?raw';
import zhApp from '../../../crates/core/locales/zh-CN/app.ftl?raw';
import zhUi from '../../../crates/core/locales/zh-CN/ui.ftl?raw';
import enCore from '../../../crates/core/locales/en/core.ftl?raw';
import enApp from '../../../crates/core/locales/en/app.ftl?raw';
import enUi from '../../../crates/core/locales/en/ui.ftl?raw';

export type Lang = 'zh-CN' | 'en';

function bundle(locale: string, sources: string[]): FluentBundle {
  const b = new FluentBundle(locale, { useIsolating: false });
  for (const s of sources) {
    const errors = b.addResource(new FluentResource(s));
    if (errors.length) console.warn('ftl', errors);
  }
  return b;
}

const bundles: Record<Lang, FluentBundle> = {
  'zh-CN': bundle('zh-CN', [zhCore, zhApp, zhUi]),
  en: bundle('en', [enCore, enApp, enUi]),
};

let current: Lang = 'zh-CN';

export function setLang(l: string): void {
  current = l === 'en' ? 'en' : 'zh-CN';
  if (typeof document !== 'undefined') document.documentElement.lang = current;
}

export function lang(): Lang {
  return current;
}

/** A message by its dotted key (`ui.login_title`), with named arguments. */
export function t(key: string, args?: Record<string, FluentVariable>, l: Lang = current): string {
  const b = bundles[l];
  const m = b.getMessage(key.replaceAll('.', '-'));
  if (!m?.value) return key;
  return b.formatPattern(m.value, args ?? null, []);
}

/** Every message id of a language (for the completeness test). */
export function ids(l: Lang): string[] {
  const out: string[] = [];
  for (const s of l === 'en' ? [enCore, enApp, enUi] : [zhCore, zhApp, zhUi]) {
    for (const line of s.split('\n')) {
      const m = /^([a-zA-Z][\w-]*)\s*=/.exec(line);
      if (m) out.push(m[1]);
    }
  }
  return out;
}
