// One esbuild bundle per workflow function: ESM `index.mjs` exporting `handler`, the user's code,
// the SDK and runtime inlined, `@aws-sdk/*` external (the Node.js Lambda runtime provides SDK v3).
// The zip is deterministic (fixed timestamps), so its SHA-256 identifies the code.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { zipSync } from 'fflate';
import type { AnalyzedProject } from '../analysis/project.js';
import { ValidationError } from '../errors.js';

import { REPO_ROOT } from '../config/control-plane.js';
const FIXED_MTIME = new Date('2020-01-01T00:00:00Z');

export interface FunctionBundle {
  functionName: string;
  zip: Uint8Array;
  /** Base64 SHA-256 of the zip: what Lambda reports as CodeSha256. */
  codeSha256: string;
  codeBytes: number;
}

const posix = (p: string) => p.split(path.sep).join('/');

export async function bundleFunction(project: AnalyzedProject, functionName: string): Promise<FunctionBundle> {
  const buildDir = path.join(project.projectDir, '.caribou', 'build', functionName);
  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(buildDir, { recursive: true });
  const entry = path.join(buildDir, 'entry.ts');
  writeFileSync(
    entry,
    [
      `import ${JSON.stringify(posix(project.entryFile))};`,
      `import { createSqsHandler } from ${JSON.stringify(posix(path.join(REPO_ROOT, 'shared', 'runtime', 'lambda.ts')))};`,
      `export const handler = createSqsHandler({ functionName: ${JSON.stringify(functionName)}, dag: ${JSON.stringify(project.dag)} });`,
      '',
    ].join('\n'),
  );
  let output: Uint8Array;
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      minify: true,
      write: false,
      outfile: path.join(buildDir, 'index.mjs'),
      external: ['@aws-sdk/*'],
      alias: { '@caribou-ts/caribou': path.join(REPO_ROOT, 'shared', 'sdk', 'index.ts') },
      nodePaths: [path.join(REPO_ROOT, 'node_modules')],
      // CommonJS dependencies bundled into ESM may call require() for Node built-ins.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      logLevel: 'silent',
      legalComments: 'none',
    });
    output = result.outputFiles[0]!.contents;
  } catch (error) {
    throw new ValidationError(`bundling function ${functionName} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
  const zip = zipSync({ 'index.mjs': [output, { mtime: FIXED_MTIME, level: 9 }] });
  return { functionName, zip, codeSha256: createHash('sha256').update(zip).digest('base64'), codeBytes: zip.byteLength };
}
