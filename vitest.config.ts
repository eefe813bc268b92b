import { defineConfig } from 'vitest/config';

// Two projects: `unit` is hermetic (recordings, fakes, pty pairs, ssh2's own server) and runs
// everywhere; `lab` boots real Xen under QEMU and talks to real peers (and headless Chromium, for
// test/browser). Lab files run one at a time: each boots its own Xen once, and two emulated hosts on
// two cores only slow each other down.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/lab/**', 'test/browser/**'],
          setupFiles: ['test/setup/fast-check.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.lab.test.ts', 'test/browser/**/*.browser.test.ts'],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 400_000,
        },
      },
    ],
  },
});
