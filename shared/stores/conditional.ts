// The one test for "a conditional write (or a transaction's condition) lost to a concurrent change":
// the task store, the runtime's claims and the deployer's lock all branch on it. Checks the name too,
// since an error from another copy of the SDK is not an instance of this copy's class.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

export function conditionFailed(error: unknown): boolean {
  if (error instanceof ConditionalCheckFailedException) return true;
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
  }
  return (error as { name?: string } | undefined)?.name === 'ConditionalCheckFailedException';
}
