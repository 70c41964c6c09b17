// The migrator's store on DynamoDB: the workflow record (lease + migrator fields, updated in place
// so the deployment manager's fields on the same item are never overwritten), the placement
// document (versioned conditional publish) and the solver-staging table.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StagedPlan } from '../../../shared/contracts/staged-plan.js';
import { TransientError, ValidationError } from '../../../shared/errors.js';
import type { ControlPlane } from '../../../shared/workflows/env.js';
import { publishPlacement, readPlacement } from '../../../shared/workflows/placement-store.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';
import type { MigratorStore } from '../core/ports.js';

const conditionFailed = (error: unknown) =>
  error instanceof ConditionalCheckFailedException || (error as Error)?.name === 'ConditionalCheckFailedException';

export class DynamoMigratorStore implements MigratorStore {
  private readonly staging: string;
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly cp: ControlPlane,
  ) {
    if (!cp.stagingTable)
      throw new ValidationError('environment variable CARIBOU_SOLVER_STAGING_TABLE is not set; the stack sets it for the migrator');
    this.staging = cp.stagingTable;
  }

  async getRecord(workflowId: string) {
    const item = (
      await this.doc.send(new GetCommand({ TableName: this.cp.workflowsTable, Key: { workflow_id: workflowId }, ConsistentRead: true }))
    ).Item;
    return item as WorkflowRecord | undefined;
  }

  getPlacement(workflowId: string) {
    return readPlacement(this.doc, this.cp.placementsTable, workflowId);
  }

  publishPlacement(wpd: Parameters<MigratorStore['publishPlacement']>[0], expectedVersion: number) {
    return publishPlacement(this.doc, this.cp.placementsTable, wpd, expectedVersion);
  }

  async getStagedPlan(workflowId: string) {
    const item = (await this.doc.send(new GetCommand({ TableName: this.staging, Key: { workflow_id: workflowId }, ConsistentRead: true })))
      .Item;
    return item as StagedPlan | undefined;
  }

  async deleteStagedPlan(workflowId: string, solvedByTask: string) {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.staging,
          Key: { workflow_id: workflowId },
          ConditionExpression: 'solved_by_task = :t',
          ExpressionAttributeValues: { ':t': solvedByTask },
        }),
      );
    } catch (error) {
      if (!conditionFailed(error)) throw error; // gone already, or a newer plan replaced it: keep that one
    }
  }

  async acquireLock(workflowId: string, owner: string, untilMs: number, nowMs: number) {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.cp.workflowsTable,
          Key: { workflow_id: workflowId },
          UpdateExpression: 'SET migrator_lock = :lock',
          ConditionExpression:
            'attribute_exists(workflow_id) AND (attribute_not_exists(migrator_lock) OR migrator_lock.until_ms < :now OR migrator_lock.#o = :owner)',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':lock': { owner, until_ms: untilMs }, ':now': nowMs, ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async releaseLock(workflowId: string, owner: string) {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.cp.workflowsTable,
          Key: { workflow_id: workflowId },
          UpdateExpression: 'REMOVE migrator_lock',
          ConditionExpression: 'migrator_lock.#o = :owner',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!conditionFailed(error)) throw error;
    }
  }

  async saveState(workflowId: string, owner: string, state: Parameters<MigratorStore['saveState']>[2]) {
    const due = state.cleanup_due_at;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.cp.workflowsTable,
          Key: { workflow_id: workflowId },
          UpdateExpression: `SET deployed_regions = :d, migrator = :m${due ? ', cleanup_due_at = :c' : ''}${due ? '' : ' REMOVE cleanup_due_at'}`,
          ConditionExpression: 'migrator_lock.#o = :owner',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':d': state.deployed_regions, ':m': state.migrator, ':owner': owner, ...(due ? { ':c': due } : {}) },
        }),
      );
    } catch (error) {
      if (conditionFailed(error))
        throw new TransientError(
          `the migrator lease on ${workflowId} was lost (the task ran past its lease, or the workflow was removed)`,
          { cause: error },
        );
      throw error;
    }
  }
}
