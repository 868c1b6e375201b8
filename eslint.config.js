// ESLint: typescript-eslint's recommended rules plus the import boundaries of src/ (README
// "Architecture"): src/windows imports neither consume nor watch; only the CLI layer (src/cli.ts,
// src/main.ts, src/commands/) imports the CLI layer; no import cycles (type-only imports aside);
// watch uses the window pipeline, never the operators below it. Formatting is prettier's job.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const CLI_LAYER = ['**/commands/**', '**/cli.ts', '**/main.ts'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'grafana/', 'src/web/page/', 'test/web/artifacts/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a parameter an interface requires but this implementation does not use.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-undef': 'off', // TypeScript checks names, with Node's globals from @types/node
      // Terminal output is ANSI escapes (and NUL-stripping of Yahoo text): control characters in a
      // regular expression are meant there.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js'] })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true, allowUnsafeDynamicCyclicDependency: true }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: CLI_LAYER, message: 'only src/cli.ts, src/main.ts and src/commands/ import the CLI layer' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli.ts', 'src/main.ts', 'src/commands/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/windows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/consume/**', '**/watch/**'],
              message: 'the window operators are pure: src/windows imports neither consume nor watch',
            },
            { group: CLI_LAYER, message: 'only src/cli.ts, src/main.ts and src/commands/ import the CLI layer' },
          ],
        },
      ],
    },
  },
  {
    // watch runs the very pipeline consume runs (createWindowPipeline from src/windows/index.ts) and
    // has no window logic of its own.
    files: ['src/watch/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/windows/bars/**', '**/windows/indicators/**', '**/windows/alerts/**'],
              message: 'watch uses createWindowPipeline from src/windows/index.ts, not the operators below it',
            },
            { group: CLI_LAYER, message: 'only src/cli.ts, src/main.ts and src/commands/ import the CLI layer' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Identifier[name=/^(allowedLateness|latenessMs)$/]',
          message: "watermarks are the window pipeline's business, not watch's",
        },
      ],
    },
  },
);
