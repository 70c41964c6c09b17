// map_reduce: input_processor → up to 6 mapper calls (call i taken iff more than i workers are
// needed) → shuffler (sync) → 2 reducer calls (the 2nd only with ≥ 3 mapper results) →
// output_processor (sync).
import { CaribouWorkflow } from '@caribou-ts/caribou';
import { parseEvent, reportReceived } from '../shared/work.js';

export const workflow = new CaribouWorkflow({ name: 'map_reduce', version: '0.0.1' });

export const MAX_MAPPERS = 6;
const WORDS_PER_WORKER = 8;

export interface Input {
  text?: string;
}
export type Counts = Record<string, number>;
export interface Chunk {
  worker: number;
  words: string[];
}

function count(words: string[]): Counts {
  const counts: Counts = {};
  for (const w of words) counts[w] = (counts[w] ?? 0) + 1;
  return counts;
}
function merge(all: Counts[]): Counts {
  const out: Counts = {};
  for (const c of all) for (const [w, n] of Object.entries(c)) out[w] = (out[w] ?? 0) + n;
  return out;
}

export const outputProcessor = workflow.serverlessFunction<Counts, { words: number; total: number }>(
  { name: 'output_processor' },
  async () => {
    const parts = await workflow.getPredecessorData<Counts>();
    const counts = merge(parts);
    reportReceived(workflow.getRunId(), 'output_processor', [{ words: Object.keys(counts).length, parts: parts.length }]);
    return { words: Object.keys(counts).length, total: Object.values(counts).reduce((a, b) => a + b, 0) };
  },
);

export const reducer = workflow.serverlessFunction<Counts[], Counts>({ name: 'reducer' }, (parts) => {
  const counts = merge(parts);
  workflow.invokeServerlessFunction(outputProcessor, counts);
  return counts;
});

export const shuffler = workflow.serverlessFunction<Counts, { mappers: number }>({ name: 'shuffler' }, async () => {
  const results = await workflow.getPredecessorData<Counts>();
  reportReceived(workflow.getRunId(), 'shuffler', [{ mappers: results.length }]);
  const half = Math.ceil(results.length / 2);
  const second = results.length >= 3;
  workflow.invokeServerlessFunction(reducer, second ? results.slice(0, half) : results);
  workflow.invokeServerlessFunction(reducer, results.slice(half), second);
  return { mappers: results.length };
});

export const mapper = workflow.serverlessFunction<Chunk, Counts>({ name: 'mapper' }, (chunk) => {
  const counts = count(chunk.words);
  workflow.invokeServerlessFunction(shuffler, counts);
  return counts;
});

export const inputProcessor = workflow.serverlessFunction<Input | string, { workers: number }>(
  { name: 'input_processor', entryPoint: true },
  (event) => {
    const words = (parseEvent<Input>(event).text ?? 'the quick brown fox jumps over the lazy dog')
      .toLowerCase()
      .split(/\W+/)
      .filter(Boolean);
    const workers = Math.min(MAX_MAPPERS, Math.max(1, Math.ceil(words.length / WORDS_PER_WORKER)));
    const chunk = (i: number): Chunk => ({ worker: i, words: words.filter((_, j) => j % workers === i) });
    workflow.invokeServerlessFunction(mapper, chunk(0));
    workflow.invokeServerlessFunction(mapper, chunk(1), workers > 1);
    workflow.invokeServerlessFunction(mapper, chunk(2), workers > 2);
    workflow.invokeServerlessFunction(mapper, chunk(3), workers > 3);
    workflow.invokeServerlessFunction(mapper, chunk(4), workers > 4);
    workflow.invokeServerlessFunction(mapper, chunk(5), workers > 5);
    return { workers };
  },
);
