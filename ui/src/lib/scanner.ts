// Barcode-scanner wedge input: a scanner "types" a code fast and ends it with Enter or
// Tab. Recognised on any screen, without stealing keys a person types into a field.
//
// Rules (see docs: counter UX brief (e)): characters closer than `gapMs` form one burst;
// Enter/Tab ends it; a burst of at least `minLength` printable ASCII characters is a scan.
// Keys while an IME composes are ignored. A human typing slowly never makes a scan.

export interface ScanOptions {
  gapMs: number;
  minLength: number;
}

export const DEFAULTS: ScanOptions = { gapMs: 50, minLength: 6 };

export type Feed = { kind: 'none' } | { kind: 'scan'; code: string } | { kind: 'short'; code: string };

export class ScanBuffer {
  private buf = '';
  private last = -Infinity;
  private fast = true;
  constructor(private opts: ScanOptions = DEFAULTS) {}

  /** Feeds one key (its `key` value) at time `at` (ms). Returns a scan when one ended. */
  key(key: string, at: number, composing = false): Feed {
    if (composing) {
      this.reset();
      return { kind: 'none' };
    }
    const gap = at - this.last;
    if (key === 'Enter' || key === 'Tab') {
      const code = this.buf;
      const wasFast = this.fast && gap <= this.opts.gapMs * 4;
      this.reset();
      if (code.length >= this.opts.minLength && wasFast) return { kind: 'scan', code };
      if (code.length >= 3 && wasFast) return { kind: 'short', code };
      return { kind: 'none' };
    }
    if (key.length !== 1 || key.charCodeAt(0) < 0x20 || key.charCodeAt(0) > 0x7e) {
      this.reset();
      return { kind: 'none' };
    }
    if (this.buf.length > 0 && gap > this.opts.gapMs) {
      // too slow: a person typing; start again from this key
      this.buf = '';
      this.fast = true;
    }
    this.buf += key;
    this.last = at;
    if (this.buf.length > 64) this.reset();
    return { kind: 'none' };
  }

  reset(): void {
    this.buf = '';
    this.last = -Infinity;
    this.fast = true;
  }
}
