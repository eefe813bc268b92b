// Lint rules, including the layering: pure layers (console, record codecs, parse, report) may not
// import Node I/O or the UI/transport libraries; only transports, tui and cli touch the outside world.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const io = ['node:fs', 'node:fs/promises', 'node:net', 'node:child_process', 'node:tty', 'fs', 'net'];
const edgeLibs = ['serialport', 'node-pty', 'ssh2', 'blessed'];
const restrict = (extra = []) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: [...io, ...edgeLibs, ...extra].map((name) => ({
        name,
        message: 'I/O belongs at the edges (transports, record files, tui, cli).',
      })),
      patterns: [
        { group: ['**/cli/**', '../cli/*'], message: 'Nothing imports the CLI: it is the composition root.' },
        { group: ['**/tui/**', '../tui/*'], message: 'Only the CLI imports the TUI.' },
      ],
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'recordings/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: [
      'src/console/**/*.ts',
      'src/parse/**/*.ts',
      'src/pipeline/**/*.ts',
      'src/report/**/*.ts',
      'src/sim/**/*.ts',
      'src/core/**/*.ts',
      'src/inband/**/*.ts',
    ],
    rules: restrict(),
  },
  {
    files: ['src/transports/**/*.ts', 'src/record/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/cli/**', '**/tui/**'], message: 'Imports point from cli/tui down, never back.' },
          ],
        },
      ],
    },
  },
  {
    files: ['bin/**', 'bench/**/*.mjs', '*.config.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
      },
    },
  },
);
