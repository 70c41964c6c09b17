// The collector-data table through the DynamoDB document client: hash `table_name`, range `key`,
// attribute `document`. A put replaces the item (in place on the next run).
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CollectedTable } from '../../../shared/contracts/collected-data.js';
import { TransientError } from '../../../shared/errors.js';
import type { CollectedStore } from '../core/ports.js';

export class DynamoCollectedStore implements CollectedStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get<T>(table: CollectedTable, key: string): Promise<T | undefined> {
    const out = await this.call(`get ${table}/${key}`, () =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: { table_name: table, key }, ConsistentRead: true })),
    );
    return out.Item?.document as T | undefined;
  }

  async list<T>(table: CollectedTable): Promise<{ key: string; document: T }[]> {
    const rows: { key: string; document: T }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.call(`query ${table}`, () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'table_name = :t',
            ExpressionAttributeValues: { ':t': table },
            ExclusiveStartKey: start,
            ConsistentRead: true,
          }),
        ),
      );
      for (const item of page.Items ?? []) rows.push({ key: String(item.key), document: item.document as T });
      start = page.LastEvaluatedKey;
    } while (start);
    return rows;
  }

  async put(table: CollectedTable, key: string, document: unknown): Promise<void> {
    await this.call(`put ${table}/${key}`, () =>
      this.doc.send(new PutCommand({ TableName: this.tableName, Item: { table_name: table, key, document } })),
    );
  }

  private async call<R>(what: string, op: () => Promise<R>): Promise<R> {
    try {
      return await op();
    } catch (error) {
      throw new TransientError(`collector-data table ${this.tableName}: ${what}: ${(error as Error).message}`, { cause: error });
    }
  }
}
