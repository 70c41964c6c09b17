// text_2_speech_censoring: get_input → text_2_speech → encoding → censor (sync) and
// get_input → profanity → censor (sync): two paths of different length into one sync node.
import { CaribouWorkflow } from '@caribou-ts/caribou';
import { checksum, parseEvent, reportReceived } from '../shared/work.js';

export const workflow = new CaribouWorkflow({ name: 'text_2_speech_censoring', version: '0.0.1' });

const PROFANITIES = ['darn', 'heck', 'crud'];

export interface Input {
  message?: string;
}
export interface Speech {
  kind: 'speech';
  samples: number[];
}
export interface Profanity {
  kind: 'profanity';
  /** Word positions to bleep. */
  positions: number[];
}

/** Text to a fake waveform: one "sample" per character. */
function synthesize(text: string): number[] {
  return [...text].map((c, i) => (c.charCodeAt(0) * (i + 1)) % 256);
}

export const censor = workflow.serverlessFunction<Speech | Profanity, { samples: number; bleeped: number; checksum: number }>(
  { name: 'censor' },
  async () => {
    const parts = await workflow.getPredecessorData<Speech | Profanity>();
    reportReceived(
      workflow.getRunId(),
      'censor',
      parts.map((p) => p.kind),
    );
    const speech = parts.find((p): p is Speech => p.kind === 'speech');
    const profanity = parts.find((p): p is Profanity => p.kind === 'profanity');
    const samples = [...(speech?.samples ?? [])];
    for (const position of profanity?.positions ?? []) if (position < samples.length) samples[position] = 0;
    return { samples: samples.length, bleeped: profanity?.positions.length ?? 0, checksum: checksum(samples.join(','), 10) };
  },
);

export const encoding = workflow.serverlessFunction<Speech, { encoded: number }>({ name: 'encoding' }, (speech) => {
  const encoded: Speech = { kind: 'speech', samples: speech.samples.map((s) => s ^ 0x55) };
  workflow.invokeServerlessFunction(censor, encoded);
  return { encoded: encoded.samples.length };
});

export const text2Speech = workflow.serverlessFunction<Input, { samples: number }>({ name: 'text_2_speech' }, (input) => {
  const samples = synthesize(input.message ?? '');
  workflow.invokeServerlessFunction(encoding, { kind: 'speech', samples });
  return { samples: samples.length };
});

export const profanity = workflow.serverlessFunction<Input, { found: number }>({ name: 'profanity' }, (input) => {
  const words = (input.message ?? '').toLowerCase().split(/\s+/);
  const positions = words.flatMap((w, i) => (PROFANITIES.includes(w.replace(/[^a-z]/g, '')) ? [i] : []));
  workflow.invokeServerlessFunction(censor, { kind: 'profanity', positions });
  return { found: positions.length };
});

export const getInput = workflow.serverlessFunction<Input | string, { length: number }>(
  { name: 'get_input', entryPoint: true },
  (event) => {
    const input = parseEvent<Input>(event);
    const message = input.message ?? 'well heck, this darn example works';
    forward(message);
    return { length: message.length };
  },
);

/** A helper the entry handler calls: static analysis follows it. */
function forward(message: string): void {
  workflow.invokeServerlessFunction(text2Speech, { message });
  workflow.invokeServerlessFunction(profanity, { message });
}
