// Lint rules: typescript-eslint's recommended type-aware set, zero warnings allowed.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.serverless/',
      '.esbuild/',
      '.esbuild-local/',
      '.esbuild-package-*/',
      '.serverless-package.lock/',
      '.local/',
      'bench/results.json',
      'coverage/',
      'dist/',
      '.test-results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Tests read JSON bodies of known shape; requiring casts there adds noise, not safety.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // The named `z` import keeps every zod locale in every bundle (~170 KiB); the namespace form lets esbuild drop them.
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier",
          message: "Use `import * as z from 'zod'`: the named import drags all zod locales into every bundle.",
        },
      ],
    },
  },
  {
    // A Lambda composes only what its role allows, from shared/compose/; the everything-at-once composition is for
    // tests and scripts, and importing it from a function would put every SDK client back into its bundle.
    files: ['functions/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/scripts/**', '**/tests/**'], message: 'Compose from shared/compose/ instead.' }] },
      ],
    },
  },
  {
    // Domain logic is pure: no AWS SDK, no database driver, no Powertools.
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@aws-lambda-powertools/*', 'pg', 'aws-sdk', '**/adapters/**'],
              message: 'shared/domain is pure: no I/O.',
            },
            { group: ['**/scripts/**', '**/tests/**'], message: 'Compose from shared/compose/ instead.' },
          ],
        },
      ],
    },
  },
  { files: ['**/*.js', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.cjs'],
    // Node's own globals: these run in Node (the deploy-time handler in Lambda's Node.js runtime).
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        module: 'writable',
        require: 'readonly',
        exports: 'writable',
        __dirname: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        console: 'readonly',
        TextDecoder: 'readonly',
        Uint8Array: 'readonly',
      },
    },
    // Serverless and serverless-esbuild load these with require(); they are CommonJS throughout.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
