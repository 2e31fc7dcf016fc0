import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Builds the web application into <package root>/dist/web, where control-plane/src/web/plugin.ts serves it. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // Preact's automatic JSX runtime; React itself would clash with the React 18 inside tap's reporter.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../../../dist/web', import.meta.url)),
    emptyOutDir: true,
    // The CSP allows scripts from 'self' only: no inline module preload polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
