import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CARIBOU_VERSION } from '../../../shared/version.js';

test('the version answered by the router is the package version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(CARIBOU_VERSION, pkg.version);
});
