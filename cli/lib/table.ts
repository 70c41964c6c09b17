// `--output table`: like the AWS CLI, the table is drawn from the command's JSON document, so every
// command that speaks JSON gets it without a renderer of its own. Arrays of objects become one
// table with a column per key; objects become key/value rows, with a titled sub-table for each
// array of objects inside; nested values that are neither are shown as compact JSON.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isRecord = (v: Json): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRecordList = (v: Json): v is { [key: string]: Json }[] => Array.isArray(v) && v.length > 0 && v.every(isRecord);

function cell(v: Json | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** A boxed table: an optional title row, a header row when `header` is set, then the rows. */
function box(title: string | undefined, rows: string[][], header: boolean): string[] {
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  let inner = widths.reduce((a, w) => a + w + 3, -1);
  if (title && title.length + 2 > inner) {
    widths[columns - 1]! += title.length + 2 - inner;
    inner = title.length + 2;
  }
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (r: string[]) => `|${widths.map((w, i) => ` ${(r[i] ?? '').padEnd(w)} `).join('|')}|`;
  const out = [rule];
  if (title) {
    const pad = inner - title.length;
    out.push(`|${' '.repeat(Math.floor(pad / 2))}${title}${' '.repeat(Math.ceil(pad / 2))}|`, rule);
  }
  rows.forEach((r, i) => {
    out.push(line(r));
    if (header && i === 0) out.push(rule);
  });
  out.push(rule);
  return out;
}

export function renderTable(value: Json, title?: string): string[] {
  if (isRecordList(value)) {
    const keys = [...new Set(value.flatMap((o) => Object.keys(o)))];
    return box(title, [keys, ...value.map((o) => keys.map((k) => cell(o[k])))], true);
  }
  if (isRecord(value)) {
    const scalars = Object.entries(value).filter(([, v]) => !isRecordList(v));
    const lists = Object.entries(value).filter(([, v]) => isRecordList(v));
    const out =
      scalars.length > 0 || lists.length === 0
        ? box(
            title,
            scalars.map(([k, v]) => [k, cell(v)]),
            false,
          )
        : [];
    for (const [k, v] of lists) out.push(...renderTable(v, title ? `${title}.${k}` : k));
    return out;
  }
  if (Array.isArray(value)) return box(title, value.length ? value.map((v) => [cell(v)]) : [['(none)']], false);
  return box(title, [[cell(value)]], false);
}

/** The table of a command's JSON output, or the output unchanged when it is not one JSON document. */
export function tableFromOutput(lines: string[]): string[] {
  const text = lines.join('\n');
  try {
    return renderTable(JSON.parse(text) as Json);
  } catch {
    return lines;
  }
}
