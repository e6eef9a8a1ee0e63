import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  plugins: [
    // Nest's dependency injection reads decorator metadata, which esbuild does not emit.
    swc.vite({ module: { type: 'es6' } }),
  ],
  resolve: {
    alias: {
      '@app/doku-snap': resolve(root, 'libs/doku-snap/src'),
      '@app/doku-simulator': resolve(root, 'libs/doku-simulator/src'),
      '@app/persistence': resolve(root, 'libs/persistence/src'),
    },
  },
  test: {
    include: [
      'apps/**/*.{spec,e2e-spec}.ts',
      'libs/**/*.{spec,e2e-spec}.ts',
      'test/**/*.{spec,e2e-spec}.ts',
    ],
    // An exotic zone on purpose: nothing may depend on the host's time zone.
    env: { TZ: 'Pacific/Chatham' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
