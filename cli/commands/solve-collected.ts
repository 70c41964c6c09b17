// `caribou solve --collected`: the solver input from the collectors' documents. A module of its own
// so that the AWS SDK is loaded only when the tables are read (the file-based solve stays fast).
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { clients } from '../../shared/aws/clients.js';
import { NotFoundError } from '../../shared/errors.js';
import { buildSolverInputFromCollected, instanceRulesFromDag } from '../../shared/solver/index.js';
import type { SolverInput } from '../../shared/solver/index.js';
import { CollectedDataReader } from '../../shared/stores/collected-reader.js';
import type { WorkflowRecord } from '../../shared/workflows/record.js';
import { systemRegionKey, tableName } from '../lib/context.js';
import type { CliIO } from '../lib/command.js';

/** SolverInput from the collector-data table (and the deployed config's rules, when deployed). */
export async function loadCollectedInput(workflowId: string, io: CliIO): Promise<SolverInput> {
  const doc = clients.doc();
  const reader = new CollectedDataReader(doc, tableName('collector-data'));
  const [workflow, regionDocs, record] = await Promise.all([
    reader.workflow(workflowId),
    reader.regionDocuments(),
    doc
      .send(new GetCommand({ TableName: tableName('workflows'), Key: { workflow_id: workflowId } }))
      .then((r) => r.Item as WorkflowRecord | undefined),
  ]);
  if (!workflow)
    throw new NotFoundError(
      `no workflow document for ${workflowId} in ${tableName('collector-data')} (run \`caribou data_collect workflow --workflow_id ${workflowId}\`)`,
    );
  const { input, dropped } = buildSolverInputFromCollected({
    ...regionDocs,
    workflow,
    systemRegion: systemRegionKey(),
    instanceRules: instanceRulesFromDag(record?.dag),
  });
  for (const d of dropped) io.err(`region ${d.region} not a candidate: ${d.reason}`);
  return input;
}
