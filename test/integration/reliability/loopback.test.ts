// Local mode listens on the loopback interface only: every listening TCP socket owned by the
// emulator, the runtime or any of their children (workers) is read from /proc (the kernel's own
// socket tables), not from configuration. And the applied stack's artifacts bucket carries its
// encryption and TLS-only policy (the emulator stores them; it does not enforce bucket policies).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import {
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { startLocalMode, type LocalModeHandle } from '../harness/index.js';

let local: LocalModeHandle;
before(async () => {
  local = await startLocalMode({ withStack: true });
});
after(async () => {
  await local?.stop();
});

const LISTEN = '0A';
const LOOPBACK = new Set(['0100007F', '00000000000000000000000001000000', '0000000000000000FFFF00000100007F']);

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** The pids and every descendant. */
function processTree(roots: number[]): Set<number> {
  const all = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
  const tree = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const pid of all) {
      const parent = parentOf(pid);
      if (!tree.has(pid) && parent !== undefined && tree.has(parent)) tree.add(pid), (grew = true);
    }
  }
  return tree;
}

function socketInodes(pids: Set<number>): Set<string> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]!);
      } catch {
        // closed meanwhile
      }
    }
  }
  return inodes;
}

function listeners(inodes: Set<string>): Array<{ address: string; port: number; table: string }> {
  const out: Array<{ address: string; port: number; table: string }> = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const [address, port] = f[1]!.split(':');
      if (f[3] === LISTEN && inodes.has(f[9]!)) out.push({ address: address!, port: parseInt(port!, 16), table });
    }
  }
  return out;
}

test('every listening socket of local mode (emulator, runtime, workers) is bound to loopback', (t) => {
  const tree = processTree([local.state.emulator.pid, local.state.runtime.pid]);
  const found = listeners(socketInodes(tree));
  t.diagnostic(`${tree.size} processes, listening: ${found.map((l) => `${l.address}:${l.port}`).join(', ')}`);
  const ports = found.map((l) => l.port);
  assert.ok(ports.includes(local.state.emulator.port), `the emulator's port ${local.state.emulator.port} is among ${ports}`);
  assert.ok(ports.includes(local.state.runtime.port), `the runtime's port ${local.state.runtime.port} is among ${ports}`);
  for (const l of found) assert.ok(LOOPBACK.has(l.address), `${l.table} ${l.address}:${l.port} is not loopback`);
});

// The TLS-only bucket policy is asserted on the synthesized AWS stack (test/unit/security/stack-audit.test.ts);
// local mode leaves it out on purpose: its emulator speaks plain HTTP on loopback (local/stack.ts).
test('the applied artifacts bucket is encrypted (SSE-S3) and private; local mode leaves out the TLS-only policy', async () => {
  const s3 = new S3Client({ forcePathStyle: true });
  const bucket = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name!).find((name) =>
    name.startsWith(`${local.prefix}-artifacts-`),
  );
  assert.ok(bucket, 'the stack created its artifacts bucket');
  const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
  assert.equal(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'AES256');
  const block = (await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration;
  assert.deepEqual(block, { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
  await assert.rejects(
    s3.send(new GetBucketPolicyCommand({ Bucket: bucket })),
    (error: Error) => error.name === 'NoSuchBucketPolicy',
    'no bucket policy in local mode',
  );
  s3.destroy();
});
