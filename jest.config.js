const swc = (moduleType) => ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: moduleType } }];

// cognito-local (CommonJS) requires otplib's ESM-only dependencies; jest's module system cannot require ESM,
// so those few packages are compiled to CommonJS.
const ESM_ONLY_DEPS = ['@scure', '@otplib', 'otplib', '@noble'];

/** Jest runs the TypeScript sources as native ESM, transformed by SWC (TypeScript 7 has no JS API for ts-jest). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': swc('es6'),
    [`node_modules/(${ESM_ONLY_DEPS.join('|')})/.+\\.m?js$`]: swc('commonjs'),
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_DEPS.join('|')})/)`],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  // Tests drive real servers (DynamoDB Local, cognito-local, the local runtime): on a busy 2-core machine a sound test
  // can pass jest's 5 s. A hang still fails, later.
  testTimeout: 30_000,
};
