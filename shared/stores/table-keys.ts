// Scanning the hash keys of a control-plane table (workflow ids of the workflows or staging table).
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../errors.js';

/** `filter`: a FilterExpression with its values (names `#k` is taken by the key). */
export async function scanHashKeys(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keyName: string,
  filter?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
): Promise<string[]> {
  const keys: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  try {
    do {
      const page = await doc.send(
        new ScanCommand({
          TableName: tableName,
          ProjectionExpression: '#k',
          ExpressionAttributeNames: { '#k': keyName, ...filter?.names },
          ExclusiveStartKey: startKey,
          ...(filter
            ? { FilterExpression: filter.expression, ...(filter.values ? { ExpressionAttributeValues: filter.values } : {}) }
            : {}),
        }),
      );
      for (const row of page.Items ?? []) keys.push(String(row[keyName]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  } catch (error) {
    throw new TransientError(`could not scan table ${tableName}: ${(error as Error).message}`, { cause: error });
  }
  return keys;
}

/** Workflows whose record says the migrator has unused regional deployments to remove by now. */
export function scanCleanupDueWorkflowIds(doc: DynamoDBDocumentClient, workflowsTable: string, now: Date = new Date()): Promise<string[]> {
  return scanHashKeys(doc, workflowsTable, 'workflow_id', {
    expression: '#due <= :now',
    names: { '#due': 'cleanup_due_at' },
    values: { ':now': now.toISOString() },
  });
}
