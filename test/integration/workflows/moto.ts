// The emulator for the deployer's AWS calls (no Lambda execution) and the control plane the
// workflow suites need; each test file starts and stops its own (see ../harness/emulator.ts).
import { TABLES } from '../../../shared/manifest/tables.js';
import { CreatePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { createArtifactsBucket, createTables, startEmulator, type Emulator } from '../../../testkit/emulator.js';
import { workflowBoundaryArn, workflowBoundaryName, workflowBoundaryPolicy } from '../../../shared/workflows/boundary.js';
import { physicalTableName } from '../../../shared/manifest/tables.js';

/** moto's account. */
export const EMULATOR_ACCOUNT = '123456789012';

export type Moto = Emulator;

export const startMoto = startEmulator;

/**
 * Creates the control-plane tables (from shared/manifest/tables.ts), the artifacts bucket and the workflow
 * permissions boundary the stack would define; `prefix` is the stack prefix (data-plane names start `<prefix>_`).
 */
export async function createControlPlane(prefix: string, region = 'us-east-1'): Promise<Record<string, string>> {
  const names = await createTables(prefix, region);
  const env: Record<string, string> = { CARIBOU_PREFIX: prefix };
  for (const spec of TABLES) env[spec.envVar] = names[spec.id];
  env.CARIBOU_ARTIFACTS_BUCKET = await createArtifactsBucket(prefix, region);
  const boundary = workflowBoundaryPolicy({
    account: EMULATOR_ACCOUNT,
    stackPrefix: prefix,
    artifactsBucket: env.CARIBOU_ARTIFACTS_BUCKET,
    placementsTable: physicalTableName(prefix, 'placements'),
  });
  const iam = new IAMClient({ region });
  await iam.send(new CreatePolicyCommand({ PolicyName: workflowBoundaryName(prefix), PolicyDocument: JSON.stringify(boundary) }));
  iam.destroy();
  env.CARIBOU_WORKFLOW_BOUNDARY_ARN = workflowBoundaryArn(EMULATOR_ACCOUNT, prefix);
  return env;
}
