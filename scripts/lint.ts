// `make lint` project rules that the type checker cannot see.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.startsWith('node_modules/'));

const rules: Array<{ name: string; applies: (file: string) => boolean; pattern: RegExp }> = [
  {
    name: 'import the AWS provider by deep path (the package root loads 2,212 modules)',
    applies: () => true,
    pattern: /from '@cdktf\/provider-aws(\/lib(\/index\.js)?)?'/,
  },
  {
    name: 'no skipped, focused or todo tests',
    applies: (f) => f.startsWith('test/'),
    pattern: /\b(test|it|describe)\.(skip|only|todo)\(|\{\s*(skip|only|todo)\s*:/,
  },
  {
    name: 'no local-mode branches in production code (local mode differs by environment only)',
    applies: (f) => f.startsWith('services/') || f.startsWith('shared/'),
    pattern: /\bif\s*\(\s*(isLocal|local|process\.env\.CARIBOU_LOCAL)/,
  },
];

let failures = 0;
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const rule of rules) {
    if (!rule.applies(file)) continue;
    lines.forEach((line, i) => {
      if (rule.pattern.test(line)) {
        console.error(`${file}:${i + 1}: ${rule.name}\n    ${line.trim()}`);
        failures += 1;
      }
    });
  }
}
// Lambda handlers stay thin (parse, register context, call core, map result): docs/ARCHITECTURE.md.
const MAX_HANDLER_LINES = 40;
for (const file of files.filter((f) => /^services\/[^/]+\/handler\.ts$/.test(f))) {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n').length;
  if (lines > MAX_HANDLER_LINES) {
    console.error(
      `${file}: ${lines} lines; a service handler has at most ${MAX_HANDLER_LINES} (move logic into core/ or a module beside it)`,
    );
    failures += 1;
  }
}
if (failures) process.exit(1);
console.log(`lint: ${files.length} files, no rule broken`);
