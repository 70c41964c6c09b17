// caribou report's rendering: the Vega-Lite spec compiles, the SVG is well-formed and shows the four
// views and the key figures, the PNG is a real image of the SVG's size (2×), the HTML embeds both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeReport } from '../../../cli/lib/report/model.js';
import { keyFigures, renderHtml, renderPng, renderSvg } from '../../../cli/lib/report/charts.js';
import { reportText } from '../../../cli/lib/report/text.js';
import { input } from './fixtures.js';

const decodeText = (svg: string) =>
  svg
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');

/** Every opened tag is closed in order (a minimal well-formedness check without an XML parser). */
function assertBalanced(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (m[3] === '/') continue;
    if (m[1] === '/') assert.equal(stack.pop(), m[2], `unbalanced </${m[2]}>`);
    else stack.push(m[2]!);
  }
  assert.deepEqual(stack, []);
}

test('the SVG is well-formed and shows the four views and the key figures', async () => {
  const report = computeReport(input());
  const svg = await renderSvg(report);
  assert.match(svg, /^<svg [^>]*width="\d+" height="\d+"/);
  assertBalanced(svg);
  const text = decodeText(svg);
  for (const title of [
    'Grid carbon intensity of the candidate regions',
    'Placement of each instance per UTC hour',
    'Instance executions per region',
    'Modeled gCO2e per day',
  ]) {
    assert.ok(text.includes(title), `missing view: ${title}`);
  }
  for (const line of keyFigures(report)) assert.ok(text.includes(line), `missing figure: ${line}`);
  assert.ok(text.includes('aws:eu-north-1') && text.includes('mapper:input_processor_0_0:1'));
});

test('the PNG is an image of the SVG at 2×, and the HTML embeds the SVG and the figures', async () => {
  const report = computeReport(input());
  const svg = await renderSvg(report);
  const png = renderPng(svg);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  const [sw, sh] = [...svg.matchAll(/^<svg [^>]*width="(\d+)" height="(\d+)"/g)][0]!.slice(1).map(Number);
  assert.deepEqual([w, h], [sw! * 2, sh! * 2]);
  assert.ok(png.length > 20_000, 'a chart with text is not a blank image');
  const html = renderHtml(report, svg);
  assert.ok(html.startsWith('<!doctype html>') && html.includes(svg));
  const embedded = JSON.parse(html.match(/<script type="application\/json" id="caribou-report">(.*)<\/script>/s)![1]!) as {
    carbon: { saved_gCO2e: number };
  };
  assert.equal(embedded.carbon.saved_gCO2e, report.carbon.saved_gCO2e);
});

test('an empty report (nothing synced, no plan) still renders', async () => {
  const report = computeReport(input({ summary: undefined, placement: undefined }));
  const svg = await renderSvg(report);
  assertBalanced(svg);
  assert.ok(decodeText(svg).includes('Modeled carbon: no synced runs yet'));
  assert.ok(reportText(report).some((l) => l.includes('no synced runs yet')));
});

test('the terminal summary names the regions, days and placement ranges', () => {
  const lines = reportText(computeReport(input()));
  assert.ok(
    lines.some((l) => /aws:eu-north-1\s+6\s+12/.test(l)),
    lines.join('\n'),
  );
  assert.ok(lines.some((l) => l.includes('2026-12-01') && /\s6\s+6\s/.test(l)));
  assert.ok(lines.some((l) => l.includes('mapper:input_processor_0_0:1: 0-17h aws:eu-north-1, 18-23h aws:ca-central-1')));
});
