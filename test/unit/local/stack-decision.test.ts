import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDecision, type StackRecord } from '../../../local/stack.js';

const applied: StackRecord = { dir: '/x', hash: 'h1', emulatorInstanceId: 'emu-1', appliedAt: '', applySeconds: 90 };

test('an unchanged stack on the same emulator is not applied again', () => {
  assert.equal(applyDecision(applied, 'emu-1', 'h1', true), 'skip');
});

test('a changed stack on the same emulator is applied incrementally', () => {
  assert.equal(applyDecision(applied, 'emu-1', 'h2', true), 'incremental');
});

test('a restarted emulator (new instance id) or a missing state file means a fresh apply', () => {
  assert.equal(applyDecision(applied, 'emu-2', 'h1', true), 'fresh');
  assert.equal(applyDecision(applied, 'emu-1', 'h1', false), 'fresh');
  assert.equal(applyDecision(undefined, 'emu-1', 'h1', true), 'fresh');
});
