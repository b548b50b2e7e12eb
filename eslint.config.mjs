import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import manifest from './platform/src/manifest/services.json' with { type: 'json' };

const SERVICES = manifest.services.map((s) => s.name);

/** Services talk over HTTP and events, never through each other's code (STYLE.md). */
const otherServices = (service) => ({
  group: SERVICES.filter((other) => other !== service).map((other) => `**/${other}/**`),
  message: 'Services never import each other: call the peer over HTTP or consume its events.',
});

/** Domain code holds the rules and stays free of frameworks, storage and AWS (STYLE.md). */
const frameworks = {
  group: ['express', 'knex', 'pg', '@aws-sdk/*', '**/http/**', '**/data/**', '**/adapters/**'],
  message: 'Domain code must not depend on HTTP, storage or AWS: define a port in domain/ and implement it outside.',
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', '.nyc_output/**', '.micropay/**', '.tools/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  ...SERVICES.flatMap((service) => [
    {
      files: [`${service}/**/*.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns: [otherServices(service)] }] },
    },
    {
      files: [`${service}/src/domain/**/*.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns: [otherServices(service), frameworks] }] },
    },
  ]),
  {
    files: ['**/test/**/*.ts', 'e2e/faults/**/*.ts'],
    languageOptions: { globals: { ...globals.mocha } },
    rules: { '@typescript-eslint/no-unused-expressions': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
