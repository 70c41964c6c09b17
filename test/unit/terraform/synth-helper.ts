// Synthesizes the stack into a temp folder with placeholder bundles (the topology does not depend on
// bundle contents), returning the parsed cdk.tf.json.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synthStack, type SynthOptions } from '../../../terraform/synth.js';
import { SERVICES } from '../../../shared/manifest/services.js';

export type Resources = Record<string, Record<string, Record<string, unknown>>>;

export async function synthToTemp(prefix = 'cbtest', region = 'eu-west-1', extra: Partial<SynthOptions> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'caribou-synth-'));
  const bundleDir = path.join(dir, 'bundles');
  for (const service of SERVICES) {
    mkdirSync(path.join(bundleDir, service.id), { recursive: true });
    writeFileSync(path.join(bundleDir, service.id, 'index.mjs'), 'export const handler = async () => ({});\n');
  }
  const stackDir = await synthStack({ outDir: path.join(dir, 'out'), prefix, region, bundleDir, ...extra });
  const json = JSON.parse(readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')) as { resource: Resources; [k: string]: unknown };
  return { dir, stackDir, json, resources: json.resource, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
