import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectorsConfigFromEnv } from '../../../services/data-collectors/config.js';

test('collector config: defaults, the token parameter named by the stack prefix, and errors naming the variable', () => {
  const defaults = collectorsConfigFromEnv({ CARIBOU_PREFIX: 'cbx' });
  assert.deepEqual(defaults.carbonSources, ['electricity-maps', 'imported', 'yearly-average']);
  assert.deepEqual(defaults.performanceSources, ['cloudping-http', 'distance-model']);
  assert.equal(defaults.tokenParameter, '/cbx/data-collectors/electricity-maps-token');
  assert.equal(defaults.livePrices, true);
  assert.equal(defaults.latencyUrl, undefined);
  assert.equal(defaults.electricityMapsUrl, 'https://api.electricitymap.org');
  const custom = collectorsConfigFromEnv({
    CARIBOU_CARBON_SOURCES: 'yearly-average',
    CARIBOU_PRICE_SOURCE: 'embedded',
    CARIBOU_LATENCY_URL: 'http://127.0.0.1:9/api/latencies',
  });
  assert.deepEqual(custom.carbonSources, ['yearly-average']);
  assert.equal(custom.livePrices, false);
  assert.throws(
    () => collectorsConfigFromEnv({ CARIBOU_CARBON_SOURCES: 'electricity-maps,watttime' }),
    /CARIBOU_CARBON_SOURCES: "watttime" is not one of/,
  );
  assert.throws(() => collectorsConfigFromEnv({ CARIBOU_PRICE_SOURCE: 'google' }), /CARIBOU_PRICE_SOURCE/);
  assert.throws(
    () => collectorsConfigFromEnv({ CARIBOU_COLLECTOR_HTTP_TIMEOUT_MS: 'soon' }),
    /CARIBOU_COLLECTOR_HTTP_TIMEOUT_MS must be an integer/,
  );
});
