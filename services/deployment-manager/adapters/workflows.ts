// The workflows table: the deployed workflow's item, and the manager's bookkeeping on it.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeploymentManagerState } from '../../../shared/contracts/staged-plan.js';
import { TransientError } from '../../../shared/errors.js';
import type { ManagedWorkflow, WorkflowsPort } from '../core/ports.js';

export class DynamoWorkflows implements WorkflowsPort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(workflowId: string): Promise<ManagedWorkflow | undefined> {
    try {
      const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: { workflow_id: workflowId }, ConsistentRead: true }));
      return res.Item as ManagedWorkflow | undefined;
    } catch (error) {
      throw new TransientError(`could not read workflow ${workflowId} from ${this.table}: ${(error as Error).message}`, { cause: error });
    }
  }

  async writeState(workflowId: string, state: DeploymentManagerState): Promise<boolean> {
    try {
      // Only on an existing item: a workflow removed meanwhile is not resurrected by its bookkeeping.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { workflow_id: workflowId },
          UpdateExpression: 'SET deployment_manager = :s',
          ConditionExpression: 'attribute_exists(workflow_id)',
          ExpressionAttributeValues: { ':s': state },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
      throw new TransientError(`could not write the deployment-manager state of ${workflowId}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
