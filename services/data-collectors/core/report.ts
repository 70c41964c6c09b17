// What a collector run did, returned as the task's result (the orchestrator stores it) and logged.
import type { CollectedTable } from '../../../shared/contracts/collected-data.js';
import { ValidationError } from '../../../shared/errors.js';
import type { CollectedStore } from './ports.js';
import { MAX_DOCUMENT_BYTES, documentBytes, validateDocument } from './validate.js';

export interface CollectorReport {
  collector: string;
  /** Keys written (in place: the previous document is replaced). */
  written: string[];
  /** Keys not written: their previous document (if any) stays. */
  failed: { key: string; reason: string }[];
  /** Keys left out on purpose (e.g. regions outside the aws partition). */
  skipped: { key: string; reason: string }[];
  /** Provenance source → number of documents written from it. */
  sources: Record<string, number>;
  /** Largest document written, bytes of JSON. */
  maxDocumentBytes: number;
}

export function newReport(collector: string): CollectorReport {
  return { collector, written: [], failed: [], skipped: [], sources: {}, maxDocumentBytes: 0 };
}

/** Validates then writes one document; a failure is recorded and leaves the stored document as it was. */
export async function writeChecked(
  store: CollectedStore,
  table: CollectedTable,
  key: string,
  document: { provenance: { source: string } },
  report: CollectorReport,
): Promise<boolean> {
  try {
    validateDocument(table, document);
    const bytes = documentBytes(document);
    if (bytes > MAX_DOCUMENT_BYTES)
      throw new ValidationError(`${table} document ${key} is ${bytes} bytes, over the ${MAX_DOCUMENT_BYTES}-byte limit`);
    await store.put(table, key, document);
    report.written.push(key);
    report.sources[document.provenance.source] = (report.sources[document.provenance.source] ?? 0) + 1;
    report.maxDocumentBytes = Math.max(report.maxDocumentBytes, bytes);
    return true;
  } catch (error) {
    report.failed.push({ key, reason: (error as Error).message });
    return false;
  }
}
