/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// Preact without @preact/preset-vite (which would pull in Babel): Vite 8 transforms
// TSX with Oxc, told here to use Preact's automatic JSX runtime.
export default defineConfig({
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The C++ server serves dist/ as is; keep it small and self-contained.
    modulePreload: { polyfill: false },
    // One bundle on purpose: the service worker (public/sw.js) keeps the files index.html names, so
    // that everything field work offline needs is there without a connection; no lazy chunks.
    chunkSizeWarningLimit: 700,
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev` against a palermo server on its default address (config server.port).
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
  },
});
