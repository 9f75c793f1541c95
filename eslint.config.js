// One flat config for the whole workspace; each package's `lint` target runs `eslint src`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// trigger and promote-gate hold canon's judgement and must stay pure: data in, data out;
// errors is the shape every package imports, so it must cost nothing to load.
const ioModules = [
  'fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'http2', 'dgram', 'dns',
  'tls', 'worker_threads', 'cluster', 'os', 'process',
].flatMap((m) => [m, `node:${m}`]);
const ioLibraries = ['execa', 'isomorphic-git', 'isomorphic-git/*', 'proper-lockfile', 'gitea-js'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/coverage/**', '**/node_modules/**', '.nx/**', '.canon-demo/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly',
        clearInterval: 'readonly', fetch: 'readonly', AbortController: 'readonly',
        AbortSignal: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly',
        Response: 'readonly', Request: 'readonly', Headers: 'readonly', setImmediate: 'readonly',
        performance: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly',
      },
    },
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (STYLE.md).' },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.config.ts', 'eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['packages/trigger/src/**/*.ts', 'packages/promote-gate/src/**/*.ts', 'packages/errors/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({ name, message: 'This package is pure: no I/O.' })),
          patterns: [{ group: ioLibraries, message: 'This package is pure: no I/O libraries.' }],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'This package is pure: no process access.' },
        { name: 'fetch', message: 'This package is pure: no network.' },
      ],
    },
  },
  {
    // Commands are adapters over the library's public API (src/index.ts), so the sweep's
    // files can move or be renamed without touching the CLI.
    files: ['packages/sweep-orchestrator/src/cli/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(sweep/|internal/|promote/|executor/|listen/|queue/|open-registry\\.js$|promote\\.js$|run-command\\.js$|health\\.js$|canon-env\\.js$)',
              message: 'cli/ imports the library through src/index.ts (add an export there), never sweep internals.',
            },
          ],
        },
      ],
    },
  },
  {
    // Reports render records; they never reach into the sweep or the CLI.
    files: ['packages/sweep-orchestrator/src/report/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(\\.\\./)+(sweep|cli)/', message: 'report/ must not import sweep/ or cli/.' },
          ],
        },
      ],
    },
  },
);
