import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localCommand } from '../../../cli/commands/local.js';
import { checkMoto, MissingToolError } from '../../../local/tools.js';
import { UsageError } from '../../../shared/errors.js';
import type { LocalModeState } from '../../../local/mode.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

test('caribou local without or with an unknown sub-command is a usage error', async () => {
  const { io } = capture();
  await assert.rejects(localCommand.run([], io), UsageError);
  await assert.rejects(localCommand.run(['sideways'], io), /expected up, down, status, logs or env/);
  await assert.rejects(localCommand.run(['up', '--clock-speed', '0'], io), /--clock-speed must be a positive number/);
  await assert.rejects(localCommand.run(['up', '--clock-start', 'soon'], io), /--clock-start must be an ISO time/);
  await assert.rejects(localCommand.run(['up', '--demo', '--no-stack'], io), UsageError);
  await assert.rejects(localCommand.run(['logs'], io), /name one function/);
});

test('caribou local env prints export lines for the running local mode', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'caribou-env-test-'));
  try {
    const state: LocalModeState = {
      version: 1,
      stateDir: dir,
      region: 'eu-west-1',
      prefix: 'caribou',
      emulator: { pid: 1, port: 4566, url: 'http://127.0.0.1:4566', instanceId: 'x' },
      runtime: { pid: 2, port: 4567, url: 'http://127.0.0.1:4567' },
      startedAt: new Date().toISOString(),
    };
    writeFileSync(path.join(dir, 'state.json'), JSON.stringify(state));
    const { io, out } = capture();
    assert.equal(await localCommand.run(['env', '--state-dir', dir], io), 0);
    assert.ok(out.includes('export AWS_ENDPOINT_URL=http://127.0.0.1:4566'));
    assert.ok(out.includes('export AWS_ENDPOINT_URL_LAMBDA=http://127.0.0.1:4567'));
    assert.ok(out.includes('export AWS_REGION=eu-west-1'));
    assert.ok(out.includes('export AWS_ACCESS_KEY_ID=test'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('caribou local env without a running local mode says how to start it', async () => {
  const { io } = capture();
  await assert.rejects(localCommand.run(['env', '--state-dir', path.join(os.tmpdir(), 'caribou-nothing-here')], io), /caribou local up/);
});

test('a missing moto is reported with the line that installs it', () => {
  assert.throws(
    () => checkMoto({ CARIBOU_LOCAL_PYTHON: '/nonexistent/python3' }),
    (error: Error) => error instanceof MissingToolError && error.message.includes("pip install 'moto[server]==5.2.1'"),
  );
});
