// The renderer build: one React app for both windows (`#/popup`, `#/main`), written to
// out/renderer and served by the Electron `app://` protocol or by `skrode serve`. Relative asset
// paths work under both. No inline scripts (the CSP allows only 'self').
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    // The polyfill would be an inline script, which the CSP forbids; Chromium needs none.
    modulePreload: { polyfill: false },
    sourcemap: true,
    target: 'chrome120',
  },
  server: { host: '127.0.0.1', strictPort: true },
});
