import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  // Dependencies point one way: apps -> libs. Libraries import no app and no other library but
  // doku-snap (the simulator's core speaks SNAP with it); no app imports another app.
  {
    files: ['libs/doku-snap/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@app/persistence*',
            '@app/doku-simulator*',
            '**/apps/**',
            '@nestjs/*',
            'typeorm',
          ],
        },
      ],
    },
  },
  {
    files: ['libs/persistence/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@app/doku-snap*', '@app/doku-simulator*', '**/apps/**'] },
      ],
    },
  },
  {
    files: ['libs/doku-simulator/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@app/persistence*', '**/apps/**', '@nestjs/*', 'typeorm'] },
      ],
    },
  },
  {
    // The simulator is loaded only in simulator mode, by a dynamic import in runtime.ts.
    files: ['apps/payments/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/apps/**', '**/doku-simulator/**', '@app/doku-simulator*'] },
      ],
    },
  },
  {
    files: ['apps/doku-simulator/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/apps/**', '**/payments/**', '@app/persistence*'] },
      ],
    },
  },
);
