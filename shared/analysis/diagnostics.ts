// Analysis problems with a precise source location and a hint on how to fix them.
import { ValidationError } from '../errors.js';

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface AnalysisDiagnostic extends SourceLocation {
  /** Stable rule id, e.g. `invoke-in-conditional`. */
  rule: string;
  message: string;
  hint: string;
}

export const formatDiagnostic = (d: AnalysisDiagnostic) =>
  `${d.file}:${d.line}:${d.column}: error [${d.rule}] ${d.message}\n  hint: ${d.hint}`;

export class WorkflowAnalysisError extends ValidationError {
  constructor(readonly diagnostics: AnalysisDiagnostic[]) {
    super(
      `workflow analysis found ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'}:\n${diagnostics.map(formatDiagnostic).join('\n')}`,
    );
  }
}
