import { defineConfig } from 'vitest/config';

// The Docker steps test installs and compiles from scratch: it runs on its own, in CI (npm run test:docker).
export default defineConfig({
  test: { include: ['test/**/*.docker.test.ts'], testTimeout: 900_000, hookTimeout: 120_000 },
});
