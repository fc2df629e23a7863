// @ts-check
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'console/dist/**', 'tests/artifacts/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Temporal workflow code runs in a deterministic sandbox: no Node built-ins, no database or
    // network clients, no activity implementations (import their types only).
    files: ['workflows/**/*.workflow.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must stay deterministic: no Node built-ins.' })),
          patterns: [
            { group: ['pg', 'pg-*', 'kysely', 'kysely/*', '@electric-sql/*', '@eventstore/*'], message: 'No database code in workflows: use an activity.' },
            { group: ['@temporalio/worker', '@temporalio/client', '@temporalio/activity'], message: 'Workflows import only @temporalio/workflow.' },
            { regex: '(^|/)activities(\\.ts)?$', allowTypeImports: true, message: 'Import activity types only (import type).' },
            { regex: '(^|/)(eventstore|infra)(/|$)', message: 'No event-store or infrastructure code in workflows.' },
          ],
        },
      ],
    },
  },
);
