// Reads the collectors' documents (shared/contracts/collected-data.ts) from the collector-data table
// (hash `table_name`, range `key`, attribute `document`): what the deployment manager and
// `caribou solve --collected` feed to buildSolverInputFromCollected.
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  COLLECTED_TABLES,
  type CarbonDocument,
  type CollectedTable,
  type PerformanceDocument,
  type ProviderDocument,
  type RegionDocument,
  type WorkflowDocument,
} from '../contracts/collected-data.js';
import { TransientError, ValidationError } from '../errors.js';

/** The `document` attribute: a map, or (tolerated) the same document as a JSON string. */
function documentOf<T>(item: Record<string, unknown> | undefined, where: string): T | undefined {
  if (!item) return undefined;
  const d = item.document;
  if (typeof d === 'string') {
    try {
      return JSON.parse(d) as T;
    } catch (error) {
      throw new ValidationError(`${where}: attribute "document" is not valid JSON`, { cause: error });
    }
  }
  if (d === null || typeof d !== 'object') throw new ValidationError(`${where}: attribute "document" is missing or not an object`);
  return d as T;
}

export class CollectedDataReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Every document of one collector-data partition, in key order. */
  async all<T>(table: CollectedTable): Promise<T[]> {
    const out: T[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#t = :t',
            ExpressionAttributeNames: { '#t': 'table_name' },
            ExpressionAttributeValues: { ':t': table },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const d = documentOf<T>(item, `${this.tableName}[${table}/${String(item.key)}]`);
          if (d) out.push(d);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      if (error instanceof ValidationError) throw error;
      throw new TransientError(`could not read ${table} documents from ${this.tableName}: ${(error as Error).message}`, { cause: error });
    }
    return out;
  }

  async workflow(workflowId: string): Promise<WorkflowDocument | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      const res = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { table_name: COLLECTED_TABLES.workflow, key: workflowId },
          ConsistentRead: true,
        }),
      );
      item = res.Item;
    } catch (error) {
      throw new TransientError(
        `could not read the workflow document of ${workflowId} from ${this.tableName}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return documentOf<WorkflowDocument>(item, `${this.tableName}[workflow/${workflowId}]`);
  }

  /** The region documents of every collector (the workflow document is read separately). */
  async regionDocuments(): Promise<{
    regions: RegionDocument[];
    provider: ProviderDocument[];
    carbon: CarbonDocument[];
    performance: PerformanceDocument[];
  }> {
    const [regions, provider, carbon, performance] = await Promise.all([
      this.all<RegionDocument>(COLLECTED_TABLES.regions),
      this.all<ProviderDocument>(COLLECTED_TABLES.provider),
      this.all<CarbonDocument>(COLLECTED_TABLES.carbon),
      this.all<PerformanceDocument>(COLLECTED_TABLES.performance),
    ]);
    return { regions, provider, carbon, performance };
  }
}
