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
  {
    // The two libraries stay independent of each other and of the apps.
    files: ['libs/doku-snap/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@app/persistence*', '**/apps/**', '@nestjs/*', 'typeorm'] },
      ],
    },
  },
  {
    files: ['libs/persistence/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@app/doku-snap*', '**/apps/**'] }] },
  },
);
