import { mount } from 'svelte';
import './app.css';

// The app is loaded as its own chunk, so a failure while loading or starting it is shown in
// the window (and to the end-to-end run) instead of a blank screen.
function show(e: unknown): void {
  const pre = document.createElement('pre');
  pre.className = 'fatal';
  pre.dataset.testid = 'fatal';
  pre.textContent = `卡盟猫收银台无法启动，请重启本程序；仍不行请联系安装人员。\nCardCat could not start: restart it, or call your installer.\n\n${e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e)}`;
  document.body.replaceChildren(pre);
}

window.addEventListener('error', (ev) => {
  if (!document.querySelector('[data-testid=app]')) show(ev.error ?? ev.message);
});

// WebKit takes navigator.language from LANG; under LANG=C it is "C", which Intl refuses
// (and the chart library formats numbers with it). The counter's own default stands in.
try {
  new Intl.NumberFormat(navigator.language);
} catch {
  Object.defineProperty(navigator, 'language', { value: 'zh-CN', configurable: true });
}

const target = document.getElementById('app');
if (target) {
  import('./App.svelte')
    .then(({ default: App }) => mount(App, { target }))
    .catch(show);
}
