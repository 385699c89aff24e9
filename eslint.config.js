// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import regles from './scripts/couches.json' with { type: 'json' };

/**
 * The layers (ADR 0030), from scripts/couches.json: what each folder of src/ may not import, and
 * the routes files' rule. Static imports only: `npm run cycles` and test/ci/couches.test.ts read
 * dynamic `import()` too, from the same table.
 */
const REGLE = (pourquoi) => `${pourquoi} (ADR 0030, scripts/couches.json)`;
const COUCHES = Object.entries(regles.couches).map(([couche, r]) => ({
  files: [`src/${couche}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [...r.interdits.map((c) => `../${c}/*`), ...(r.permis ?? []).map((f) => `!../${f}`)],
            message: REGLE(r.pourquoi),
          },
          ...(r.sansNode ? [{ group: ['node:*'], message: REGLE(r.pourquoi) }] : []),
          ...(couche === 'http'
            ? [{ group: regles.routes.fichiers.map((f) => `./${f}`), message: REGLE(regles.routes.pourquoi) }]
            : []),
        ],
      },
    ],
  },
}));
const HTTP = regles.couches.http;
const ASSEMBLEUR = {
  // server.ts assembles the routes: the one file of src/http that imports the routes files.
  files: [`src/http/${regles.routes.assembleur}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [...HTTP.interdits.map((c) => `../${c}/*`), ...(HTTP.permis ?? []).map((f) => `!../${f}`)],
            message: REGLE(HTTP.pourquoi),
          },
        ],
      },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'data/**',
      'dist/**',
      'coverage/**',
      'bench/out/**',
      'web/dist/**',
      'web/public/dsfr/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The web client reaches the server only through web/src/api.ts, and writes its query keys only in web/src/cles.ts.
    files: ['web/src/**/*.{ts,tsx}'],
    ignores: ['web/src/api.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'Call the server through a function of web/src/api.ts.' },
        { name: 'XMLHttpRequest', message: 'Upload through televerser() in web/src/api.ts.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/api.ts'],
              importNames: ['requete', 'televerser'],
              message: 'Add the call as a function of web/src/api.ts instead of calling requete() here.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[property.name=/^(fetch|XMLHttpRequest)$/]',
          message: 'Call the server through a function of web/src/api.ts.',
        },
        {
          selector: "Property[key.name='queryKey'] > ArrayExpression",
          message: 'Take the query key from web/src/cles.ts.',
        },
        {
          selector: 'CallExpression[callee.property.name=/^(get|set)QueryData$/] > ArrayExpression',
          message: 'Take the query key from web/src/cles.ts.',
        },
      ],
    },
  },
  ...COUCHES,
  ASSEMBLEUR,
);
