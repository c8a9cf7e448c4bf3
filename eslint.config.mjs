// Lint rules, including which process a file may run in (docs/architecture.md): only the Electron shell
// imports `electron`; the renderer reaches neither Node nor main-process code; src/shared stays free
// of Node, Electron and React.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'http', 'net'];
const noElectron = {
  name: 'electron',
  message: 'Only the Electron shell (src/main/index.ts, src/main/electron/) may import electron.',
};
const noSandbox = {
  group: ['**/sandbox', '**/sandbox/**'],
  message: 'The app never imports the sandbox (src/sandbox): it starts it as a program (src/main/sandbox-child.ts).',
};
const noMain = {
  group: ['../main', '**/main/**'], // not ./main: the sandbox's own entry
  message: 'The sandbox never imports the app (src/main): it speaks to it over HTTP only.',
};
const noCoreOrStore = {
  group: ['**/core', '**/core/**', '**/store', '**/store/**'],
  message: "The intermediaries' clients may not import the core or the store: inject what they need (ClientDeps).",
};

export default tseslint.config(
  {
    ignores: ['out/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty-pattern': 'off',
    },
  },
  // Layering (a later block replaces an earlier one's no-restricted-imports for the same file, so each
  // block lists every restriction its files have): only the shell imports electron; the app and the
  // sandbox never import each other (the sandbox has its own signing, so a bug cannot hide on both
  // sides; both may import src/shared); the intermediaries' clients (src/main/intermediaries) know nothing
  // of the core or the store: they are handed what they need (ClientDeps).
  {
    files: ['src/main/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [noSandbox] }] },
  },
  {
    files: ['src/main/index.ts', 'src/main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noSandbox] }] },
  },
  {
    files: ['src/main/intermediaries/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [noSandbox, noCoreOrStore] }] },
  },
  {
    files: ['src/sandbox/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: [noMain] }] },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Loading data in an effect and setting it when the promise resolves is the intended pattern here.
      'react-hooks/set-state-in-effect': 'off',
      // How a payment is doing is main's to say (AttemptView.display): the screens never work it out from the outcome.
      'no-restricted-properties': [
        'error',
        { property: 'lastOutcome', message: 'Show AttemptView.display, decided in main (core/payments/display.ts).' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'The renderer has no Node: ask main through the contract.' },
            {
              group: ['electron', 'better-sqlite3', 'kysely'],
              message: 'The renderer has no Node: ask main through the contract.',
            },
            { group: ['**/main/**', '**/preload/**'], message: 'The renderer may import only src/shared.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, 'electron', 'react', 'react-dom', 'better-sqlite3', 'kysely'],
              message: 'src/shared runs in every process: no Node, Electron, React or database code.',
            },
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**'],
              message: 'src/shared may not import process code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', '*.config.*', 'eslint.config.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
  },
  {
    // plain CommonJS helpers that both the .mjs scripts and the TypeScript tests load
    files: ['scripts/**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { process: 'readonly', require: 'readonly', module: 'writable' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
