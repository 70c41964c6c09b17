// Writes each invocation's log lines to CloudWatch Logs `/aws/lambda/<function>` in the
// function's region, one stream per execution environment, as Lambda does.
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientsFor } from './clients.js';
import type { FunctionConfig, InvocationResult } from './worker-pool.js';

const MAX_EVENT_CHARS = 200_000;

export class LogWriter {
  private readonly groups = new Set<string>();
  private readonly streams = new Set<string>();
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (error: unknown) => void) {}

  write(fn: FunctionConfig, result: InvocationResult): Promise<void> {
    // Serialized so a stream is created before its first events, and events stay in order.
    this.chain = this.chain
      .then(() => this.put(fn, result))
      .catch((error: { name?: string }) => {
        if (error.name !== 'ResourceNotFoundException') throw error;
        // The group or stream was deleted behind our back: create it again once.
        this.reset();
        return this.put(fn, result);
      })
      .catch(this.onError);
    return this.chain;
  }

  flush(): Promise<void> {
    return this.chain;
  }

  private async put(fn: FunctionConfig, result: InvocationResult): Promise<void> {
    const logs = clientsFor(fn.region).logs;
    const group = `/aws/lambda/${fn.name}`;
    const groupKey = `${fn.region}:${group}`;
    if (!this.groups.has(groupKey)) {
      await logs.send(new CreateLogGroupCommand({ logGroupName: group })).catch((error: { name?: string }) => {
        if (error.name !== 'ResourceAlreadyExistsException') throw error;
      });
      this.groups.add(groupKey);
    }
    const streamKey = `${groupKey}:${result.logStream}`;
    if (!this.streams.has(streamKey)) {
      await logs
        .send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: result.logStream }))
        .catch((error: { name?: string }) => {
          if (error.name !== 'ResourceAlreadyExistsException') throw error;
        });
      this.streams.add(streamKey);
    }
    const now = Date.now();
    // CloudWatch limits: 256 KiB per event, 10,000 events and 1 MiB per call.
    const events = result.logLines.map((message) => ({
      timestamp: now,
      message: message.length > MAX_EVENT_CHARS ? `${message.slice(0, MAX_EVENT_CHARS)} [truncated]` : message,
    }));
    let batch: typeof events = [];
    let bytes = 0;
    const send = async () => {
      if (batch.length === 0) return;
      await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: result.logStream, logEvents: batch }));
      batch = [];
      bytes = 0;
    };
    for (const event of events) {
      const size = Buffer.byteLength(event.message) + 26;
      if (batch.length >= 10_000 || bytes + size > 1_000_000) await send();
      batch.push(event);
      bytes += size;
    }
    await send();
  }

  /** Forget what was created (after the emulator lost its state). */
  reset(): void {
    this.groups.clear();
    this.streams.clear();
  }
}
