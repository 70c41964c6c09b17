// `make bench`: runs every benchmark folder bench/<name>/ that has an index.ts exporting
// `run(): Promise<unknown>` (each writes its own bench/results/<name>.json). Pass names to run
// only some: `node --import tsx bench/run.ts solver`.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const names = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'results' && existsSync(join(here, d.name, 'index.ts')))
  .map((d) => d.name)
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();
if (names.length === 0) {
  console.error(`bench: no benchmark found${wanted.length ? ` named ${wanted.join(', ')}` : ''} (expected bench/<name>/index.ts)`);
  process.exit(1);
}
let failed = 0;
for (const name of names) {
  console.log(`\n=== bench/${name}`);
  const t0 = performance.now();
  try {
    const mod = (await import(pathToFileURL(join(here, name, 'index.ts')).href)) as { run?: () => Promise<unknown> };
    if (typeof mod.run !== 'function') throw new Error(`bench/${name}/index.ts exports no run()`);
    await mod.run();
    console.log(`=== bench/${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (error) {
    failed++;
    console.error(`=== bench/${name} failed: ${(error as Error).stack ?? error}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
