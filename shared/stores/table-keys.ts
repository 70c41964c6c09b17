// Scanning the hash keys of a control-plane table (workflow ids of the workflows or staging table).
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../errors.js';

export async function scanHashKeys(doc: DynamoDBDocumentClient, tableName: string, keyName: string): Promise<string[]> {
  const keys: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  try {
    do {
      const page = await doc.send(
        new ScanCommand({ TableName: tableName, ProjectionExpression: '#k', ExpressionAttributeNames: { '#k': keyName }, ExclusiveStartKey: startKey }),
      );
      for (const row of page.Items ?? []) keys.push(String(row[keyName]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  } catch (error) {
    throw new TransientError(`could not scan table ${tableName}: ${(error as Error).message}`, { cause: error });
  }
  return keys;
}
