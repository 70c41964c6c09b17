import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectProvider } from '../../../services/data-collectors/core/provider.js';
import type { PriceListPort } from '../../../services/data-collectors/core/ports.js';
import type { ProviderDocument, RegionDocument } from '../../../shared/contracts/collected-data.js';
import { ALL_CODES, MemoryStore, deniedPricing, fakeClock, lister, priceEntry } from './fakes.js';

const deadlineMs = Date.parse('2026-12-01T13:00:00Z');

test('denied Price List API: every enabled region gets region and provider documents from the embedded tables', async () => {
  const store = new MemoryStore();
  const report = await collectProvider({
    store,
    regions: lister([...ALL_CODES, 'cn-north-1', 'us-gov-west-1']),
    pricing: deniedPricing,
    clock: fakeClock(),
    deadlineMs,
  });
  assert.equal(report.failed.length, 0, JSON.stringify(report.failed));
  assert.deepEqual(report.skipped.map((s) => s.key).sort(), ['aws:cn-north-1', 'aws:us-gov-west-1']);
  assert.equal(report.written.length, 2 * ALL_CODES.length);
  const region = (await store.get<RegionDocument>('regions', 'aws:eu-north-1'))!;
  assert.equal(region.name, 'Europe (Stockholm)');
  assert.equal(region.enabled, true);
  const prices = (await store.get<ProviderDocument>('provider', 'aws:af-south-1'))!;
  assert.equal(prices.provenance.source, 'embedded-price-table');
  assert.match(prices.provenance.detail!, /AccessDeniedException/);
  assert.equal(prices.provenance.period, '2025-06-01');
  assert.equal(prices.lambdaUsdPerGBs.x86_64, 0.0000221);
  assert.equal(prices.power.pue, 1.135);
});

test('live prices: first paid tier of each product, paging followed, missing fields from the table', async () => {
  const pages: Record<string, string[][]> = {
    AWSLambda: [
      [
        priceEntry('Serverless', { group: 'AWS-Lambda-Duration' }, [
          ['0', '0.0000170000'],
          ['6000000000', '0.000015'],
        ]),
      ],
      [
        priceEntry('Serverless', { group: 'AWS-Lambda-Duration-ARM' }, [['0', '0.0000136']]),
        priceEntry('Serverless', { group: 'AWS-Lambda-Requests' }, [['0', '0.00000021']]),
        priceEntry('Serverless', { group: 'AWS-Lambda-Requests-ARM' }, [['0', '0.00000021']]),
      ],
    ],
    AWSQueueService: [
      [
        priceEntry('API Request', { queueType: 'Standard' }, [
          ['0', '0'],
          ['1000000', '0.00000041'],
        ]),
      ],
    ],
  };
  const requests: string[] = [];
  const pricing: PriceListPort = {
    async getProducts({ serviceCode, filters, nextToken }) {
      requests.push(`${serviceCode}:${filters.regionCode ?? filters.fromRegionCode}:${nextToken ?? ''}`);
      const list = pages[serviceCode] ?? [[]];
      const i = Number(nextToken ?? 0);
      return { priceList: list[i]!, nextToken: i + 1 < list.length ? String(i + 1) : undefined };
    },
  };
  const store = new MemoryStore();
  const report = await collectProvider({ store, regions: lister(['us-east-1']), pricing, clock: fakeClock(), deadlineMs });
  assert.equal(report.failed.length, 0);
  assert.ok(requests.includes('AWSLambda:us-east-1:1'), 'second page requested');
  const doc = (await store.get<ProviderDocument>('provider', 'aws:us-east-1'))!;
  assert.equal(doc.lambdaUsdPerGBs.x86_64, 0.000017);
  assert.equal(doc.lambdaUsdPerGBs.arm64, 0.0000136);
  assert.equal(doc.sqsUsdPerRequest, 0.00000041, 'the free first million is not the price');
  assert.equal(doc.provenance.source, 'aws-price-list-api+embedded-price-table');
  assert.match(doc.provenance.detail!, /dynamoDbUsdPerReadRequestUnit/);
});

test('a region without coordinates fails and keeps its previous document; a disabled region is marked disabled', async () => {
  const store = new MemoryStore();
  await collectProvider({ store, regions: lister(['us-east-1', 'eu-west-1']), pricing: deniedPricing, clock: fakeClock(), deadlineMs });
  const report = await collectProvider({
    store,
    regions: lister(['us-east-1', 'xx-new-1']),
    pricing: deniedPricing,
    clock: fakeClock(),
    deadlineMs,
  });
  assert.deepEqual(
    report.failed.map((f) => f.key),
    ['aws:xx-new-1'],
  );
  assert.equal((await store.get<RegionDocument>('regions', 'aws:eu-west-1'))!.enabled, false);
  assert.ok(await store.get('provider', 'aws:eu-west-1'), 'its prices stay');
});

test('throttling is retried with backoff; out of budget falls back to the table', async () => {
  let calls = 0;
  const throttled: PriceListPort = {
    async getProducts() {
      calls += 1;
      const error = new Error('Rate exceeded');
      error.name = 'ThrottlingException';
      throw error;
    },
  };
  const clock = fakeClock();
  const store = new MemoryStore();
  const report = await collectProvider({
    store,
    regions: lister(['us-east-1', 'us-west-2']),
    pricing: throttled,
    clock,
    deadlineMs: clock.nowMs() + 3_000,
  });
  assert.ok(calls >= 2, `retried (${calls} calls)`);
  assert.ok(clock.slept.length >= 1 && clock.slept.every((ms) => ms > 0));
  assert.equal(report.failed.length, 0);
  assert.equal((await store.get<ProviderDocument>('provider', 'aws:us-west-2'))!.provenance.source, 'embedded-price-table');
  assert.equal(calls, clock.slept.length + 1, 'once unavailable, later regions do not call the API');
});
