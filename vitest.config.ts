import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'http',
          include: ['test/**/*.test.ts'],
          // HTTP tests spend most of their time waiting (sockets, SMTP greetings, hash workers):
          // three files at once on two cores finish the suite sooner than vitest's default of one.
          maxWorkers: 3,
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/no-network.ts'],
        },
      },
    ],
  },
});
