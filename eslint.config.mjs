import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Whole module names (`fs`, `fs/promises`, `node:crypto`), never a folder of ours that shares one (`domain`).
// (Module names are plain words and slashes: nothing in them needs escaping.)
const modules = (...names) => `^(${names.join('|')})(/.*)?$`;
const noNodeApis = (message) => ({ regex: `^node:|${modules(...builtinModules)}`, message });
const noDatabaseClient = (message) => ({ regex: modules('knex', 'pg'), message });
const noZod = (message) => ({ regex: modules('zod'), message });

// Every form the database was called in outside db/: `db('cases')`, `trx('plans')`, `deps.db('centres')`,
// `db.transaction(…)`, `db.raw(…)`, `db.fn.now()`, `deps.db.fn.now()`.
const DIRECT_DATABASE_CALLS = [
  "CallExpression[callee.name='db']",
  "CallExpression[callee.name='trx']",
  "CallExpression[callee.name='knex']",
  "CallExpression[callee.property.name='db']",
  "MemberExpression[object.name=/^(db|trx)$/][property.name=/^(transaction|raw|fn)$/]",
  "MemberExpression[object.property.name='db'][property.name=/^(transaction|raw|fn)$/]",
].map((selector) => ({ selector, message: 'SQL lives in db/queries: call a named query function from there.' }));

export default tseslint.config(
  { ignores: ['node_modules', '.data', '.tools', 'dist', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // The database client belongs to db/; everything else goes through its query functions.
    files: ['**/*.ts'],
    ignores: ['db/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noDatabaseClient('Only db/ talks to Postgres: import a query function from db/queries.')] }],
    },
  },
  {
    // Tests and scripts read and seed rows directly to check and stage what the code did.
    files: ['**/*.ts'],
    ignores: ['db/**', 'tests/**', 'scripts/**'],
    rules: { 'no-restricted-syntax': ['error', ...DIRECT_DATABASE_CALLS] },
  },
  {
    // Pure rules, shared by workflows and the API: no I/O, no engine, no edge validation.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noNodeApis('domain/ holds pure rules: no Node APIs.'),
            { group: ['@temporalio/*'], message: 'domain/ holds pure rules: Temporal stays in workflows/ and the edges.' },
            noDatabaseClient('domain/ holds pure rules: no database.'),
            noZod('domain/ holds pure rules: zod stays at the edges (API, activities).'),
          ],
        },
      ],
    },
  },
  {
    // Workflow code is bundled into the deterministic sandbox: no Node APIs, no I/O, no zod; activities
    // are called through proxies, so only their types are imported.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            noNodeApis('Workflows do no I/O and run without Node APIs.'),
            noDatabaseClient('Workflows do no I/O.'),
            { group: ['nodemailer'], message: 'Workflows do no I/O.' },
            noZod('zod stays at the edges (API, activities).'),
            { group: ['**/activities', '**/activities/*'], allowTypeImports: true, message: 'Workflows call activities through proxies: `import type` only.' },
          ],
        },
      ],
    },
  },
);
