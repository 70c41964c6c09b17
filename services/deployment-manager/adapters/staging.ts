// The solver-staging table: one StagedPlan item per workflow (hash workflow_id), replaced by each solve.
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StagedPlan } from '../../../shared/contracts/staged-plan.js';
import { TransientError } from '../../../shared/errors.js';
import type { StagingPort } from '../core/ports.js';

export class DynamoStaging implements StagingPort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(plan: StagedPlan): Promise<void> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.table, Item: plan }));
    } catch (error) {
      throw new TransientError(`could not stage the plan of ${plan.workflow_id} in ${this.table}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
