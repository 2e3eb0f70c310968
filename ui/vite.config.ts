import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The built UI is embedded in the app binary (tauri `frontendDist`); no dev server is
// used by tests. The message catalog is read from crates/core/locales at build time.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  build: {
    target: 'safari16',
    outDir: 'dist',
    emptyOutDir: true,
    // the CSP allows no inline script or style: keep every asset a file
    assetsInlineLimit: 0,
    cssCodeSplit: false,
  },
  server: { port: 5173, strictPort: true, fs: { allow: ['..'] } },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
