import { test } from 'node:test';
import assert from 'node:assert/strict';
import { greatCircleKm } from '../../../services/data-collectors/core/geo.js';
import { deterministicSamples, fitLogNormal, logNormalQuantile, normalQuantile } from '../../../services/data-collectors/core/lognormal.js';
import { holtWintersForecast } from '../../../services/data-collectors/core/holt-winters.js';
import { embeddedRegion } from '../../../services/data-collectors/data/regions.js';

test('great-circle distances between regions are the haversine on a 6371 km sphere', () => {
  const km = greatCircleKm(embeddedRegion('us-east-1')!, embeddedRegion('eu-west-1')!);
  assert.ok(km > 5300 && km < 5600, `${km}`);
  assert.equal(greatCircleKm(embeddedRegion('eu-north-1')!, embeddedRegion('eu-north-1')!), 0);
  // Antipodes: half the circumference.
  assert.ok(Math.abs(greatCircleKm({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 }) - Math.PI * 6371) < 1e-6);
});

test('the normal quantile matches known values', () => {
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-9);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-5);
  assert.ok(Math.abs(normalQuantile(0.01) + 2.326348) < 1e-5);
});

test('a log-normal fitted to its own percentiles recovers mu and sigma; samples are deterministic', () => {
  const truth = { mu: Math.log(0.08), sigma: 0.2 };
  const points = [0.1, 0.25, 0.5, 0.75, 0.9, 0.98, 0.99].map((p) => ({ p, value: logNormalQuantile(truth, p) }));
  const fit = fitLogNormal(points);
  assert.ok(Math.abs(fit.mu - truth.mu) < 1e-6 && Math.abs(fit.sigma - truth.sigma) < 1e-6);
  const a = deterministicSamples(fit, 50);
  assert.deepEqual(a, deterministicSamples(fit, 50));
  assert.equal(a.length, 50);
  assert.ok(a.every((x, i) => i === 0 || x >= a[i - 1]!));
  // Equal percentiles: sigma is held at its floor, never 0 or NaN.
  assert.equal(fitLogNormal(points.map((x) => ({ ...x, value: 0.1 }))).sigma, 1e-5);
});

test('Holt–Winters forecasts a purely seasonal series as its season', () => {
  const season = Array.from({ length: 24 }, (_, h) => 300 + 100 * Math.sin((2 * Math.PI * h) / 24));
  const series = Array.from({ length: 24 * 7 }, (_, t) => season[t % 24]!);
  const fit = holtWintersForecast(series, 24);
  fit.forecast.forEach((v, h) => assert.ok(Math.abs(v - season[h]!) < 1e-6, `hour ${h}: ${v} vs ${season[h]}`));
  assert.throws(() => holtWintersForecast(series.slice(0, 30)), /at least 48/);
});
