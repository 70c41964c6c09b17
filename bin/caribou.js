#!/usr/bin/env node
// The `caribou` command. Runs the prebuilt bundle in dist/cli/ (scripts/build-cli.ts, run by
// `make install` and `make build`; ADR 0005) in this process. When the bundle is missing, was built
// in another checkout, or any of its sources changed since, it says so and runs the TypeScript
// sources through tsx instead (seconds slower, same behaviour).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outDir = path.join(root, 'dist', 'cli');

/** Why the bundle cannot be used, or undefined when it is current. */
function staleReason() {
  let build;
  try {
    build = JSON.parse(readFileSync(path.join(outDir, 'build.json'), 'utf8'));
  } catch {
    return 'dist/cli/ is not built';
  }
  if (build.root !== root) return `dist/cli/ was built in ${build.root}`;
  for (const file of build.inputs) {
    let mtimeMs;
    try {
      mtimeMs = statSync(path.join(root, file)).mtimeMs;
    } catch {
      return `${file} is gone since dist/cli/ was built`;
    }
    if (mtimeMs > build.builtAtMs) return `${file} changed since dist/cli/ was built`;
  }
  return undefined;
}

const reason = process.env.CARIBOU_CLI_FROM_SOURCE ? 'CARIBOU_CLI_FROM_SOURCE is set' : staleReason();
if (reason === undefined) {
  await import(pathToFileURL(path.join(outDir, 'main.mjs')).href);
} else {
  if (!process.env.CARIBOU_CLI_FROM_SOURCE) {
    process.stderr.write(`caribou: ${reason}; running the TypeScript sources through tsx (slower). \`make build-cli\` rebuilds it.\n`);
  }
  // Imported here, not up front: child_process pulls in ~25 of Node's internal modules (streams,
  // net, dgram), ~10 ms of every command's start.
  const { spawnSync } = await import('node:child_process');
  const result = spawnSync(
    process.execPath,
    // tsx resolved from this package, not from the caller's folder (caribou runs anywhere).
    ['--import', import.meta.resolve('tsx'), path.join(root, 'cli', 'main.ts'), ...process.argv.slice(2)],
    { stdio: 'inherit', env: process.env },
  );
  process.exit(result.status ?? 1);
}
