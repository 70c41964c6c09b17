// small_sync_example: an entry function calls one sync node from two call sites (conditions
// execute_1 and execute_2) and a second sync node (execute_3); the first sync node also calls the
// second. syncFunction runs iff execute_1 || execute_2; secondSyncFunction runs unless all three
// are false (the Python example's truth table).
import { CaribouWorkflow } from '@caribou-ts/caribou';
import { checksum, reportReceived } from '../shared/work.js';

export const workflow = new CaribouWorkflow({ name: 'small_sync_example', version: '0.0.1' });

export interface Input {
  execute_1?: boolean;
  execute_2?: boolean;
  execute_3?: boolean;
}

export interface Message {
  from: string;
  call_site?: number;
  checksum: number;
}

function parseInput(event: unknown): Required<Input> {
  const input = (typeof event === 'string' ? JSON.parse(event) : (event ?? {})) as Input;
  return { execute_1: input.execute_1 ?? true, execute_2: input.execute_2 ?? true, execute_3: input.execute_3 ?? true };
}

export const secondSyncFunction = workflow.serverlessFunction<Message, { received: Message[] }>(
  { name: 'secondSyncFunction' },
  async () => {
    const received = await workflow.getPredecessorData<Message>();
    reportReceived(workflow.getRunId(), 'secondSyncFunction', received);
    return { received };
  },
);

export const syncFunction = workflow.serverlessFunction<Message, { received: Message[] }>({ name: 'syncFunction' }, async () => {
  const received = await workflow.getPredecessorData<Message>();
  reportReceived(workflow.getRunId(), 'syncFunction', received);
  workflow.invokeServerlessFunction(secondSyncFunction, { from: 'syncFunction', checksum: checksum(JSON.stringify(received)) });
  return { received };
});

export const initialFunction = workflow.serverlessFunction<Input | string, { executed: Required<Input> }>(
  { name: 'initial_function', entryPoint: true },
  (event) => {
    const input = parseInput(event);
    const sum = checksum(JSON.stringify(input));
    workflow.invokeServerlessFunction(syncFunction, { from: 'initial_function', call_site: 0, checksum: sum }, input.execute_1);
    workflow.invokeServerlessFunction(syncFunction, { from: 'initial_function', call_site: 1, checksum: sum }, input.execute_2);
    workflow.invokeServerlessFunction(secondSyncFunction, { from: 'initial_function', call_site: 2, checksum: sum }, input.execute_3);
    return { executed: input };
  },
);
