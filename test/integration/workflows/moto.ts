// The emulator for the deployer's AWS calls (no Lambda execution) and the control plane the
// workflow suites need; each test file starts and stops its own (see ../harness/emulator.ts).
import { TABLES } from '../../../shared/manifest/tables.js';
import { createArtifactsBucket, createTables, startEmulator, type Emulator } from '../../../testkit/emulator.js';

export type Moto = Emulator;

export const startMoto = startEmulator;

/** Creates the control-plane tables (from shared/manifest/tables.ts) and the artifacts bucket. */
export async function createControlPlane(prefix: string, region = 'us-east-1'): Promise<Record<string, string>> {
  const names = await createTables(prefix, region);
  const env: Record<string, string> = {};
  for (const spec of TABLES) env[spec.envVar] = names[spec.id];
  env.CARIBOU_ARTIFACTS_BUCKET = await createArtifactsBucket(prefix, region);
  return env;
}
