// The remote form of a command (`-r/--remote`): publish the seed's JSON to the control plane's bus
// (answers appear in the router's logs), or with `--invoke` call the router Lambda and print its answer.
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { clients } from '../../shared/aws/clients.js';
import { PUBLIC_ACTION_DETAIL_TYPE, PUBLIC_ACTION_SOURCE } from '../../shared/contracts/internal.js';
import { CaribouError } from '../../shared/errors.js';
import type { Answer } from '../../services/action-router/core.js';
import { busName, routerFunctionName } from './context.js';
import type { CliIO } from './command.js';

export class RemoteCallError extends CaribouError {}

export async function publishAction(payload: Record<string, unknown>): Promise<string> {
  const bus = busName();
  let result;
  try {
    result = await clients.events().send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: bus, Source: PUBLIC_ACTION_SOURCE, DetailType: PUBLIC_ACTION_DETAIL_TYPE, Detail: JSON.stringify(payload) },
        ],
      }),
    );
  } catch (error) {
    throw new RemoteCallError(`could not put the event on bus ${bus}: ${(error as Error).message}`, { cause: error });
  }
  const entry = result.Entries?.[0];
  if (result.FailedEntryCount || !entry?.EventId) {
    throw new RemoteCallError(`bus ${bus} refused the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim());
  }
  return entry.EventId;
}

export async function invokeRouter(payload: Record<string, unknown>): Promise<Answer> {
  const functionName = routerFunctionName();
  let result;
  try {
    result = await clients
      .lambda()
      .send(
        new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(payload)) }),
      );
  } catch (error) {
    throw new RemoteCallError(`could not invoke ${functionName}: ${(error as Error).message}`, { cause: error });
  }
  const text = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
  if (result.FunctionError) throw new RemoteCallError(`${functionName} failed (${result.FunctionError}): ${text}`);
  try {
    return JSON.parse(text) as Answer;
  } catch (error) {
    throw new RemoteCallError(`${functionName} answered with non-JSON: ${text.slice(0, 200)}`, { cause: error });
  }
}

/** Runs the remote form and prints what happened; returns the exit code. */
export async function runRemote(payload: Record<string, unknown>, invoke: boolean, io: CliIO): Promise<number> {
  if (invoke) {
    const answer = await invokeRouter(payload);
    io.out(JSON.stringify(answer));
    return answer.status < 400 ? 0 : 1;
  }
  const eventId = await publishAction(payload);
  io.out(JSON.stringify({ sent: payload, event_bus: busName(), event_id: eventId }));
  io.err(`The router answers in its logs: caribou local logs ${routerFunctionName()} (local mode) or CloudWatch Logs.`);
  return 0;
}
