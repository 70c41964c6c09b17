// How a workflow placement document is stored in the placements table: key `workflow_id`, the
// document as a JSON string in `document` (instance names hold `:` and `#`, hours are numeric keys:
// a string keeps the document byte-for-byte and readable by every service), and a numeric `version`
// item attribute that conditional publishes compare (absent on the deployer's first write = 0).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WorkflowPlacementDocument } from '../contracts/placement.js';
import { NotFoundError, TransientError } from '../errors.js';

/** Another writer changed the placement since it was read: re-read and try again. */
export class PlacementConflictError extends TransientError {}

export async function readPlacement(doc: DynamoDBDocumentClient, table: string, workflowId: string): Promise<WorkflowPlacementDocument> {
  let item: Record<string, unknown> | undefined;
  try {
    item = (await doc.send(new GetCommand({ TableName: table, Key: { workflow_id: workflowId }, ConsistentRead: true }))).Item;
  } catch (error) {
    throw new TransientError(`could not read the placement of ${workflowId} from ${table}: ${(error as Error).message}`, { cause: error });
  }
  if (!item || typeof item.document !== 'string')
    throw new NotFoundError(`workflow ${workflowId} has no placement in ${table}: is it deployed?`);
  const wpd = JSON.parse(item.document) as WorkflowPlacementDocument;
  const version = typeof item.version === 'number' ? item.version : 0;
  return { ...wpd, version };
}

export async function writePlacement(doc: DynamoDBDocumentClient, table: string, wpd: WorkflowPlacementDocument): Promise<void> {
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: { workflow_id: wpd.workflow_id, document: JSON.stringify(wpd), updated_at: new Date().toISOString() },
    }),
  );
}

/**
 * Writes `wpd` as version `expectedVersion + 1`, only if the stored item is still at `expectedVersion`
 * (0 = the deployer's unversioned item). Returns the new version; PlacementConflictError otherwise.
 */
export async function publishPlacement(
  doc: DynamoDBDocumentClient,
  table: string,
  wpd: WorkflowPlacementDocument,
  expectedVersion: number,
): Promise<number> {
  const version = expectedVersion + 1;
  const stored = { ...wpd, version };
  try {
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { workflow_id: wpd.workflow_id, document: JSON.stringify(stored), version, updated_at: new Date().toISOString() },
        ConditionExpression:
          expectedVersion === 0
            ? 'attribute_exists(workflow_id) AND (attribute_not_exists(#v) OR #v = :zero)'
            : 'attribute_exists(workflow_id) AND #v = :expected',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: expectedVersion === 0 ? { ':zero': 0 } : { ':expected': expectedVersion },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') {
      throw new PlacementConflictError(
        `the placement of ${wpd.workflow_id} changed since version ${expectedVersion} was read (or the workflow was removed)`,
        { cause: error },
      );
    }
    throw error;
  }
  return version;
}
