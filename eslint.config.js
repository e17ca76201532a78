// Lint rules: the recommended sets of ESLint and typescript-eslint, plus the few
// habits from the style guide that a machine can check.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // ARCHITECTURE.md §4: the emulator is its own world; it imports nothing of the driver, so a bug
    // cannot hide on both sides.
    files: ['src/emulator/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/cli/**',
                '**/api/**',
                '**/auth/**',
                '**/core/**',
                '**/sql/**',
                '**/schema/**',
                '**/pgserver/**',
                '**/procedures/**',
                '../index.js',
                '../../index.js',
              ],
              message: 'The emulator must not import driver code (ARCHITECTURE.md §4).',
            },
          ],
        },
      ],
    },
  },
  {
    // The CLI, scripts, benchmarks and tests talk to a person or a CI log on purpose.
    files: ['src/cli/**', 'scripts/**', 'bench/**', 'test/**', 'bin/**', 'examples/**'],
    rules: { 'no-console': 'off' },
  },
);
