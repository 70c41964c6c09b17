// `caribou report` against tables seeded exactly as the contracts say (collector-data documents as
// JSON strings and as maps, the log syncer's summary item, the placement document, the workflow
// record), through the real CLI process and the emulator's DynamoDB: the JSON figures equal the pure
// computation, the files are written, and an unknown workflow is a clear error.
import { after, before, test } from 'node:test';
import { summaryToItem } from '../../../shared/stores/workflow-summary-codec.js';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createTables, startEmulator, type Emulator } from '../harness/emulator.js';
import { computeReport } from '../../../cli/lib/report/model.js';
import { GREEN, HOME, QUEBEC, WF, input } from '../../unit/report/fixtures.js';

const PREFIX = 'rep';
const NOW = '2026-12-01T12:30:00.000Z';
let emulator: Emulator;
let dir: string;

before(async () => {
  emulator = await startEmulator();
  Object.assign(process.env, emulator.env);
  dir = mkdtempSync(path.join(os.tmpdir(), 'caribou-report-'));
  const names = await createTables(PREFIX, 'us-east-1', ['workflows', 'placements', 'workflow-summaries', 'collector-data']);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const data = input();
  for (const [region, carbon] of Object.entries(data.carbon)) {
    await doc.send(
      new PutCommand({ TableName: names['collector-data'], Item: { table_name: 'carbon', key: region, document: JSON.stringify(carbon) } }),
    );
  }
  for (const [region, provider] of Object.entries(data.provider)) {
    await doc.send(
      new PutCommand({ TableName: names['collector-data'], Item: { table_name: 'provider', key: region, document: provider } }),
    );
  }
  await doc.send(new PutCommand({ TableName: names['workflow-summaries'], Item: summaryToItem(data.summary!) }));
  await doc.send(new PutCommand({ TableName: names.placements, Item: { workflow_id: WF, document: JSON.stringify(data.placement) } }));
  await doc.send(
    new PutCommand({
      TableName: names.workflows,
      Item: {
        workflow_id: WF,
        home_region: HOME,
        status: 'DEPLOYED',
        config: {
          regions_and_providers: {
            allowed_regions: [HOME, GREEN, QUEBEC].map((r) => ({ provider: 'aws', region: r.slice(4) })),
            providers: { aws: { config: { memory: 2048, timeout: 60 } } },
          },
        },
        function_descriptions: Object.entries(data.memoryMbByFunction).map(([name, memory_mb]) => ({ name, memory_mb })),
      },
    }),
  );
  doc.destroy();
});

after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await emulator?.stop();
});

async function caribou(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/caribou.js', ...args], {
      env: { ...process.env, CARIBOU_PREFIX: PREFIX },
      maxBuffer: 8 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

test('caribou report --json reads the seeded tables and equals the computation', async () => {
  const result = await caribou(['report', WF, '--json', '--now', NOW]);
  assert.equal(result.code, 0, result.stderr);
  const figures = JSON.parse(result.stdout) as ReturnType<typeof computeReport>;
  const { runs_detail: _detail, ...expected } = computeReport(input());
  assert.deepEqual(figures, JSON.parse(JSON.stringify(expected)));
  assert.equal(figures.runs.accounted, 14);
  assert.ok(figures.carbon.saved_gCO2e > 0);
});

test('caribou report --out writes the PNG, SVG and HTML; without flags it prints the summary', async () => {
  const files = ['r.png', 'r.svg', 'r.html'].map((f) => path.join(dir, f));
  const result = await caribou(['report', WF, '--now', NOW, ...files.flatMap((f) => ['--out', f])]);
  assert.equal(result.code, 0, result.stderr);
  for (const f of files) assert.ok(existsSync(f), `${f} written`);
  assert.equal(readFileSync(files[0]!).subarray(1, 4).toString(), 'PNG');
  assert.match(readFileSync(files[1]!, 'utf8'), /^<svg /);
  assert.match(readFileSync(files[2]!, 'utf8'), /<svg /);
  const text = await caribou(['report', WF, '--now', NOW]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Modeled carbon: .* saved /);
  assert.match(text.stdout, /aws:eu-north-1\s+6\s+12/);
});

test('an unknown workflow or a bad --out is a clear error', async () => {
  const missing = await caribou(['report', 'nothing-0.0.1']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /workflow nothing-0\.0\.1 is not deployed/);
  const bad = await caribou(['report', WF, '--out', 'x.pdf']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /expected a file ending in \.svg, \.png or \.html/);
});
