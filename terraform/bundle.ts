// `make bundle`: one esbuild bundle per control-plane service (dist/<service>/index.mjs, handler
// `index.handler`), from the service manifest. The AWS SDK v3 stays external: the Node.js Lambda
// runtime provides it (74 KB instead of ~940 KB per bundle).
import path from 'node:path';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { SERVICES } from '../shared/manifest/services.js';

import { REPO_ROOT as root } from '../shared/config/control-plane.js';
const outRoot = path.join(root, 'dist');

export async function bundleServices(outDir = outRoot): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  await Promise.all(
    SERVICES.map(async (service) => {
      const dir = path.join(outDir, service.id);
      rmSync(dir, { recursive: true, force: true });
      const result = await build({
        entryPoints: [path.join(root, service.handler)],
        outfile: path.join(dir, 'index.mjs'),
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'esm',
        minify: true,
        sourcemap: 'linked',
        metafile: true,
        external: ['@aws-sdk/*', '@smithy/*'],
        // Bundled CommonJS dependencies call require(); give ESM output a real one.
        banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
        logLevel: 'warning',
      });
      sizes[service.id] = Object.values(result.metafile.outputs).reduce((sum, o) => sum + (o.bytes ?? 0), 0);
    }),
  );
  return sizes;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const sizes = await bundleServices();
  for (const [id, bytes] of Object.entries(sizes).sort())
    console.log(`dist/${id}/index.mjs  ${(bytes / 1024).toFixed(0)} KiB (with source map)`);
}
