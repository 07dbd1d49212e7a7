import { defineConfig } from 'vitest/config';

// The bundle goes where the jar takes it from: the API function serves it under /console on the
// API's own origin. Every URL in it is relative, so it works at /console/ locally and at
// /{stage}/console/ behind API Gateway.
export default defineConfig({
  base: './',
  build: {
    outDir: 'target/classes/stagecoach/console',
    emptyOutDir: true,
    target: 'es2022',
    // Nothing inlined as data: URLs or inline scripts: the Content-Security-Policy allows 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    chunkSizeWarningLimit: 200,
  },
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
