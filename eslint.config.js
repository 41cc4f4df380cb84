import js from '@eslint/js'
import jsxA11y from 'eslint-plugin-jsx-a11y'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist', 'node_modules', '.data', 'coverage', 'screenshots'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.tsx'],
    ...jsxA11y.flatConfigs.recommended,
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The SPA must never reach server code (secrets, Node APIs).
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/server/**', 'node:*'], message: 'Browser code may not import server code.' }] },
      ],
    },
  },
  {
    // The shared layers never depend on a page: features build on lib/ and components/, not the
    // other way round (bulletproof-react's lint zones).
    files: ['src/lib/**/*.{ts,tsx}', 'src/components/**/*.{ts,tsx}', 'src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/features/**', '@/app/**', '**/features/**', '**/app/**'], message: 'lib/, components/ and contract/ may not import features or app/.' },
            { group: ['**/server/**', 'node:*'], message: 'Browser code may not import server code.' },
          ],
        },
      ],
    },
  },
  {
    // Features never import each other; app/ wires them together (STYLE.md).
    files: ['src/features/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            // Outside its own folder a feature imports through `@/`, and never another feature or app/.
            { group: ['@/features/**', '@/app/**', '../../**'], message: 'A feature may import from @/lib, @/components/ui and @/contract only.' },
            { group: ['**/server/**', 'node:*'], message: 'Browser code may not import server code.' },
          ],
        },
      ],
    },
  },
  {
    // The SPA's one entry for Node: the BFF's first paint (src/prepaint.tsx), built with `--ssr`.
    // It may use Node's own modules, never the BFF's.
    files: ['src/prepaint.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**'], message: 'The first paint renders the SPA; it may not import the BFF.' }] }],
    },
  },
  {
    // A page's tests render the whole portal (test/support/render.tsx), as the browser does.
    files: ['src/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/server/**', 'node:*'], message: 'Browser code may not import server code.' }] },
      ],
    },
  },
)
