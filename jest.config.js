// Two projects: fast unit tests with mocked AWS clients, and end-to-end tests that run the built
// CLI against a local moto server (started once by the global setup). Both global setups point
// TMPDIR at one folder for the run, which the last global teardown removes.
const tsJest = ['ts-jest', { diagnostics: false }];
module.exports = {
  // End-to-end tests run the CLI against moto; jest 29 takes the timeout only at the top level.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/unit'],
      setupFiles: ['<rootDir>/tests/unit/setup-env.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/tests/unit/support/global-setup.ts',
      globalTeardown: '<rootDir>/tests/unit/support/global-teardown.ts',
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/tests/e2e'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
    },
  ],
};
