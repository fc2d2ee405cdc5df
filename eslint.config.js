// Lint that enforces the process boundaries (ARCHITECTURE §2): only main/app/ and preload/ import
// electron; shared/ and renderer/ import no node:* (nor Node built-ins by bare name); main/model/
// does no I/O at all.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
const noNode = {
  patterns: [{ group: ['node:*'], message: 'No Node built-ins here: this code also runs in the renderer.' }],
  paths: nodeBuiltins.map((name) => ({ name, message: 'No Node built-ins here: this code also runs in the renderer.' })),
};
const electronOnlyInApp = { name: 'electron', message: 'Only main/app/ and preload/ may import electron.' };

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'migrations/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-control-regex': 'off',
      'no-restricted-imports': ['error', { paths: [electronOnlyInApp] }],
    },
  },
  { files: ['main/app/**', 'preload/**'], rules: { 'no-restricted-imports': 'off' } },
  {
    files: ['shared/**', 'renderer/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnlyInApp, ...noNode.paths], patterns: noNode.patterns }] },
  },
  {
    files: ['main/model/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInApp, ...noNode.paths, ...['better-sqlite3', 'pg', 'ioredis', 'bullmq', 'drizzle-orm'].map((name) => ({ name, message: 'main/model/ is pure: no I/O.' }))],
          patterns: [...noNode.patterns, { group: ['**/store/**', '**/queue/**', '**/app/**'], message: 'main/model/ is pure: no I/O.' }],
        },
      ],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'main/model/ is pure: no I/O.' }, { name: 'process', message: 'main/model/ is pure: no I/O.' }],
    },
  },
  {
    files: ['bin/**', 'scripts/**', 'bench/**', '*.config.*', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
);
