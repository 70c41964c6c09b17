// `make build-cli` (part of `make install` and `make build`): bundles the `caribou` CLI into
// dist/cli/ as plain JavaScript, one chunk per lazily loaded command (ADR 0005), so a command starts
// without compiling TypeScript. Packages stay external (loaded from node_modules on use).
//
// Modules find files next to their sources through `import.meta.url` (the repo root, local mode's
// launcher, the solver's worker entry); in a bundle that URL would name dist/cli/. Each module's
// `import.meta.url` is therefore replaced, in code only (strings untouched), by its source file's
// URL. dist/cli/build.json records the root and every bundled source, so bin/caribou.js can tell a
// stale or moved build and fall back to tsx.
//
// The solver's worker thread entry is bundled too, as dist/cli/solver-worker.mjs, and its path is
// compiled into the CLI (__CARIBOU_SOLVER_WORKER__), so `caribou solve` starts workers without
// bundling at run time and without esbuild installed (shared/solver/worker-pool.ts).
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transform, type Plugin } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_OUT_DIR = path.join(root, 'dist', 'cli');
export const SOLVER_WORKER_FILE = 'solver-worker.mjs';

const sourceUrls: Plugin = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      const { code } = await transform(source, {
        loader: 'ts',
        format: 'esm',
        sourcefile: args.path,
        define: { 'import.meta.url': JSON.stringify(pathToFileURL(args.path).href) },
      });
      return { contents: code, loader: 'js' };
    });
  },
};

export interface CliBuild {
  root: string;
  builtAtMs: number;
  /** Repo-relative sources in the bundle: any of them newer than builtAtMs makes it stale. */
  inputs: string[];
}

export async function buildCli(outDir = CLI_OUT_DIR): Promise<CliBuild> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const builtAtMs = Date.now();
  const worker = await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, 'shared', 'solver', 'worker.ts')],
    outfile: path.join(outDir, SOLVER_WORKER_FILE),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    metafile: true,
    plugins: [sourceUrls],
    logLevel: 'warning',
  });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: path.join(root, 'cli', 'main.ts') },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    metafile: true,
    sourcemap: 'linked',
    define: { __CARIBOU_SOLVER_WORKER__: JSON.stringify(path.join(outDir, SOLVER_WORKER_FILE)) },
    plugins: [sourceUrls],
    logLevel: 'warning',
  });
  const inputs = [...new Set([...Object.keys(result.metafile.inputs), ...Object.keys(worker.metafile.inputs)])]
    .filter((f) => !f.includes('node_modules/'))
    .sort();
  const record: CliBuild = { root, builtAtMs, inputs };
  writeFileSync(path.join(outDir, 'build.json'), `${JSON.stringify(record, null, 1)}\n`);
  return record;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const record = await buildCli();
  const bytes = record.inputs.reduce((sum, f) => sum + statSync(path.join(root, f)).size, 0);
  console.log(
    `dist/cli/: ${record.inputs.length} sources (${(bytes / 1024).toFixed(0)} KiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
