#!/usr/bin/env node
// The `caribou` command: runs the TypeScript CLI through tsx, so no build step is needed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const result = spawnSync(
  process.execPath,
  // tsx resolved from this package, not from the caller's folder (caribou runs anywhere).
  ['--import', import.meta.resolve('tsx'), path.join(root, 'cli', 'main.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit', env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env } },
);
process.exit(result.status ?? 1);
