import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // oclif's runCommand captures console output itself.
    disableConsoleIntercept: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Namespaces, firewalls and servers are shared machine state: run files one by one per worker pool.
    fileParallelism: true,
    maxWorkers: 2,
  },
})
