// Vitest runs vitest.test.mjs only (jest.test.cjs is Jest's).
export default { test: { include: ["vitest.test.mjs"], watch: false } };
