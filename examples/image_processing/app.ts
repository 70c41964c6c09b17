// image_processing: get_requests fans out to image_processor once per requested transformation
// (5 call sites, call i taken iff more than i transformations were requested). No sync node.
import { CaribouWorkflow } from '@caribou-ts/caribou';
import { checksum, parseEvent, syntheticImage } from '../shared/work.js';

export const workflow = new CaribouWorkflow({ name: 'image_processing', version: '0.0.1' });

export const TRANSFORMATIONS = ['flip', 'rotate', 'blur', 'greyscale', 'resize'] as const;
export type Transformation = (typeof TRANSFORMATIONS)[number];

export interface Request {
  image_name?: string;
  desired_transformations?: Transformation[];
}

export interface Job {
  image_name: string;
  transformation: Transformation;
}

function transform(pixels: number[], kind: Transformation): number[] {
  const size = Math.round(Math.sqrt(pixels.length));
  const at = (x: number, y: number) => pixels[Math.min(size - 1, Math.max(0, y)) * size + Math.min(size - 1, Math.max(0, x))]!;
  const out: number[] = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (kind === 'flip') out.push(at(size - 1 - x, y));
      else if (kind === 'rotate') out.push(at(y, size - 1 - x));
      else if (kind === 'blur') out.push(Math.round((at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) + at(x, y)) / 5));
      else if (kind === 'greyscale') out.push(at(x, y) > 127 ? 255 : 0);
      else out.push(at(x * 2, y * 2));
    }
  }
  return out;
}

export const imageProcessor = workflow.serverlessFunction<Job, { image_name: string; transformation: Transformation; checksum: number }>(
  { name: 'image_processor' },
  (job) => {
    const pixels = transform(syntheticImage(job.image_name), job.transformation);
    return { image_name: job.image_name, transformation: job.transformation, checksum: checksum(pixels.join(','), 20) };
  },
);

export const getRequests = workflow.serverlessFunction<Request | string, { requested: number }>(
  { name: 'get_requests', entryPoint: true },
  (event) => {
    const request = parseEvent<Request>(event);
    const image = request.image_name ?? 'sample.jpg';
    const wanted = (request.desired_transformations ?? [...TRANSFORMATIONS]).filter((t) => TRANSFORMATIONS.includes(t));
    const job = (i: number): Job => ({ image_name: image, transformation: wanted[i] ?? 'flip' });
    workflow.invokeServerlessFunction(imageProcessor, job(0), wanted.length > 0);
    workflow.invokeServerlessFunction(imageProcessor, job(1), wanted.length > 1);
    workflow.invokeServerlessFunction(imageProcessor, job(2), wanted.length > 2);
    workflow.invokeServerlessFunction(imageProcessor, job(3), wanted.length > 3);
    workflow.invokeServerlessFunction(imageProcessor, job(4), wanted.length > 4);
    return { requested: wanted.length };
  },
);
