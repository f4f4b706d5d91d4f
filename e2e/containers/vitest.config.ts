import { projectTestConfig } from '../../vitest.shared.js';

// One stack for the whole file, built and started once: its tests run in order and share it.
export default projectTestConfig(import.meta.dirname, { testTimeout: 240_000 });
