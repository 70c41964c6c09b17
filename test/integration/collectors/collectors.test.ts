// The data collectors in local mode: `caribou data_collect all -r` goes through EventBridge → router
// → orchestrator → the data-collectors Lambda and fills the collector-data table for every region
// the emulator reports; the live sources are exercised through real protocols: the Price List API
// through the emulator (its GetProducts sample), the Electricity Maps token through the emulator's
// SSM, and Electricity Maps / cloudping answered by a server on 127.0.0.1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { eventually, startLocalMode, type LocalModeHandle } from '../harness/index.js';
import { clients } from '../../../shared/aws/clients.js';
import { physicalTableName } from '../../../shared/manifest/tables.js';
import { DynamoCollectedStore } from '../../../services/data-collectors/adapters/collected-store.js';
import { Ec2RegionLister, PricingApi, SsmSecrets } from '../../../services/data-collectors/adapters/aws.js';
import { fetchHttp } from '../../../services/data-collectors/adapters/http.js';
import { collectProvider } from '../../../services/data-collectors/core/provider.js';
import { collectCarbon } from '../../../services/data-collectors/core/carbon.js';
import { collectPerformance } from '../../../services/data-collectors/core/performance.js';
import { systemClock } from '../../../services/data-collectors/core/ports.js';
import { embeddedRegion } from '../../../services/data-collectors/data/regions.js';
import type { CarbonDocument, CollectedDocument, PerformanceDocument, ProviderDocument } from '../../../shared/contracts/collected-data.js';
import { HOURLY, startLoopbackApis, type LoopbackApis } from './loopback-apis.js';

let local: LocalModeHandle;
let store: DynamoCollectedStore;
let commercial: string[];

async function caribou(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/caribou.js', ...args], {
    env: { ...process.env, ...local.env },
    maxBuffer: 8 * 1024 * 1024,
  });
  return stdout;
}

async function collectedAt(table: 'provider' | 'carbon' | 'performance' | 'regions'): Promise<Map<string, string>> {
  return new Map((await store.list<CollectedDocument>(table)).map((r) => [r.key, r.document.collected_at]));
}

describe('data collectors in local mode', () => {
  before(async () => {
    local = await startLocalMode({ withStack: true });
    store = new DynamoCollectedStore(clients.doc(), physicalTableName(local.prefix, 'collector-data'));
    const regions = (await new EC2Client({}).send(new DescribeRegionsCommand({}))).Regions!.map((r) => r.RegionName!);
    commercial = regions.filter((r) => embeddedRegion(r)).sort();
    assert.ok(commercial.length >= 30, `the emulator reports ${commercial.length} commercial regions`);
  });
  after(async () => {
    await local?.stop();
  });

  test('`caribou data_collect all -r` fills provider, carbon and performance for every region; a second run updates in place', async () => {
    const started = Date.now();
    await caribou(['data_collect', 'all', '-r']);
    const complete = async (since: number) => {
      for (const table of ['regions', 'provider', 'carbon', 'performance'] as const) {
        const docs = await collectedAt(table);
        assert.deepEqual(
          [...docs.keys()].sort(),
          commercial.map((r) => `aws:${r}`),
          `${table}: one document per region`,
        );
        for (const [key, at] of docs) assert.ok(Date.parse(at) >= since - 1000, `${table} ${key} collected at ${at}`);
      }
    };
    await eventually(() => complete(started), { timeoutMs: 240_000, intervalMs: 2_000 });
    const firstRunS = (Date.now() - started) / 1000;

    // The Price List API answered for the regions of its sample; the embedded table for the others.
    const useast = (await store.get<ProviderDocument>('provider', 'aws:us-east-1'))!;
    assert.equal(useast.provenance.source, 'aws-price-list-api');
    assert.equal(useast.lambdaUsdPerGBs.x86_64, 0.0000166667);
    assert.equal(useast.sqsUsdPerRequest, 0.0000004);
    assert.equal((await store.get<ProviderDocument>('provider', 'aws:af-south-1'))!.provenance.source, 'embedded-price-table');
    // No token parameter in this stack: the yearly averages, flat; distances to every region.
    const carbon = (await store.get<CarbonDocument>('carbon', 'aws:eu-north-1'))!;
    assert.equal(carbon.hourlyProfile, 'flat-yearly-average');
    assert.equal(Object.keys(carbon.distancesKm).length, commercial.length);
    const perf = (await store.get<PerformanceDocument>('performance', 'aws:us-east-1'))!;
    assert.equal(Object.keys(perf.latencyToS).length, commercial.length);

    const shown = await caribou(['data', 'show', 'carbon']);
    assert.match(shown, /aws:eu-north-1\s+SE-SE3\s+\d+\.\d\s+\d+–\d+\s+flat-yearly-average\s+\S+\s+tgwf-co2-yearly-average \[20\d\d\]/);
    assert.match(shown, /ODbL/);

    const before = Date.now();
    const count = (await store.list('carbon')).length;
    await caribou(['data_collect', 'all', '-r']);
    await eventually(() => complete(before), { timeoutMs: 240_000, intervalMs: 2_000 });
    assert.equal((await store.list('carbon')).length, count, 'updated in place');
    console.log(
      `data_collect all: first run ${firstRunS.toFixed(1)} s, second ${((Date.now() - before) / 1000).toFixed(1)} s, ${commercial.length} regions`,
    );
  });

  test('Price List API through the emulator: AWS response shape, NextToken paging, first paid tier', async () => {
    const pricing = new PricingClient({ region: 'us-east-1' });
    const page = await pricing.send(
      new GetProductsCommand({
        ServiceCode: 'AWSLambda',
        Filters: [{ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'eu-west-1' }],
        FormatVersion: 'aws_v1',
        MaxResults: 3,
      }),
    );
    assert.equal(page.FormatVersion, 'aws_v1');
    assert.equal(page.PriceList?.length, 3);
    assert.ok(page.NextToken);
    const product = JSON.parse(String(page.PriceList![0])) as { product: { attributes: { regionCode: string } } };
    assert.equal(product.product.attributes.regionCode, 'eu-west-1');

    const fresh = new DynamoCollectedStore(clients.doc(), physicalTableName(local.prefix, 'collector-data'));
    const report = await collectProvider({
      store: fresh,
      regions: { enabledRegions: async () => ['eu-west-1', 'ap-south-1'] },
      pricing: new PricingApi('us-east-1', 2),
      clock: systemClock,
      deadlineMs: Date.now() + 60_000,
    });
    assert.equal(report.failed.length, 0, JSON.stringify(report.failed));
    const ireland = (await fresh.get<ProviderDocument>('provider', 'aws:eu-west-1'))!;
    assert.equal(ireland.provenance.source, 'aws-price-list-api');
    assert.equal(ireland.dynamoDbUsdPerReadRequestUnit, 0.0000001415);
    assert.equal(ireland.internetEgressUsdPerGB, 0.09, 'the free first 100 GB is not the price');
    assert.equal((await fresh.get<ProviderDocument>('provider', 'aws:ap-south-1'))!.provenance.source, 'embedded-price-table');
  });

  describe('live carbon and latency sources on loopback', () => {
    let apis: LoopbackApis;
    const token = 'em-test-token-1234';
    const parameter = `/${'cbtest'}-secret/electricity-maps-token`;
    before(async () => {
      apis = await startLoopbackApis({ token });
      await local.aws(['ssm', 'put-parameter', '--name', parameter, '--type', 'SecureString', '--value', token, '--overwrite']);
    });
    after(async () => {
      await apis?.close();
    });

    test("the Electricity Maps token comes from the emulator's SSM SecureString; history → Holt–Winters forecast; 429 retried", async () => {
      const report = await collectCarbon({
        store,
        regions: new Ec2RegionLister(),
        http: fetchHttp,
        secrets: new SsmSecrets(),
        clock: systemClock,
        deadlineMs: Date.now() + 120_000,
        config: {
          sources: ['electricity-maps', 'yearly-average'],
          electricityMapsUrl: apis.url,
          tokenParameter: parameter,
          httpTimeoutMs: 5_000,
        },
      });
      assert.equal(report.failed.length, 0, JSON.stringify(report.failed));
      assert.deepEqual(report.sources, { 'electricity-maps-api': commercial.length });
      assert.equal(apis.requests[0]!.status, 429);
      assert.ok(
        apis.requests.every((r) => r.token === token),
        'every request carried the token from SSM',
      );
      const doc = (await store.get<CarbonDocument>('carbon', 'aws:eu-west-1'))!;
      assert.equal(doc.zone, 'IE');
      assert.equal(doc.hourlyProfile, 'forecast');
      doc.hourlyGCO2ePerKWh.forEach((v, h) => assert.ok(Math.abs(v - HOURLY(h)) < 1, `hour ${h}: ${v}`));
      assert.match(doc.provenance.detail!, /holt-winters/);
      assert.match(doc.provenance.period!, /^\d{4}-\d\d-\d\dT\d\d:00:00Z\/\d{4}-\d\d-\d\dT\d\d:00:00Z$/);
    });

    test('cloudping-format latencies over HTTP are fitted in seconds; other pairs use the distance model', async () => {
      const report = await collectPerformance({
        store,
        regions: new Ec2RegionLister(),
        http: fetchHttp,
        clock: systemClock,
        deadlineMs: Date.now() + 60_000,
        config: { sources: ['cloudping-http', 'distance-model'], latencyUrl: `${apis.url}/api/latencies`, httpTimeoutMs: 5_000 },
      });
      assert.equal(report.failed.length, 0);
      const doc = (await store.get<PerformanceDocument>('performance', 'aws:us-east-1'))!;
      assert.ok(Math.abs(doc.latencyToS['aws:eu-west-1']!.medianS - 0.068) < 0.003, `${doc.latencyToS['aws:eu-west-1']!.medianS}`);
      assert.equal(doc.provenance.source, 'cloudping-http+distance-model');
      assert.equal(apis.requests.filter((r) => r.path.startsWith('/api/latencies')).length, 7);
    });
  });
});
