// How a workflow placement document is stored in the placements table: key `workflow_id`, the
// document as a JSON string in `document` (instance names hold `:` and `#`, hours are numeric keys:
// a string keeps the document byte-for-byte and readable by every service).
// Shared by the runtime wrapper (reads on every hop) and the deployer/migrator (writes).
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WorkflowPlacementDocument } from '../contracts/placement.js';
import { NotFoundError, TransientError } from '../errors.js';

export async function readPlacement(doc: DynamoDBDocumentClient, table: string, workflowId: string): Promise<WorkflowPlacementDocument> {
  let item: Record<string, unknown> | undefined;
  try {
    item = (await doc.send(new GetCommand({ TableName: table, Key: { workflow_id: workflowId }, ConsistentRead: true }))).Item;
  } catch (error) {
    throw new TransientError(`could not read the placement of ${workflowId} from ${table}: ${(error as Error).message}`, { cause: error });
  }
  if (!item || typeof item.document !== 'string') throw new NotFoundError(`workflow ${workflowId} has no placement in ${table}: is it deployed?`);
  return JSON.parse(item.document) as WorkflowPlacementDocument;
}

export async function writePlacement(doc: DynamoDBDocumentClient, table: string, wpd: WorkflowPlacementDocument): Promise<void> {
  await doc.send(new PutCommand({ TableName: table, Item: { workflow_id: wpd.workflow_id, document: JSON.stringify(wpd), updated_at: new Date().toISOString() } }));
}
