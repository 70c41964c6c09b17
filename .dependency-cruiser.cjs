// Layering rules checked by `make lint` (dependency-cruiser). docs/ARCHITECTURE.md explains each
// rule and the folder table it enforces. Type-only imports are ignored (they vanish at bundling).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lambda-code-imports-no-tooling',
      comment: 'Deployed code (services/, shared/) never imports the IaC, the CLI, local mode, scripts, benchmarks, tests or the test kit.',
      severity: 'error',
      from: { path: '^(services|shared)/' },
      to: { path: '^(terraform|cli|local|scripts|bench|test|testkit)/' },
    },
    {
      name: 'core-imports-no-aws-sdk',
      comment: 'A service core is pure logic with injected ports; AWS SDK calls live in its adapters/.',
      severity: 'error',
      from: { path: '^services/[^/]+/core/' },
      to: { path: '(^|/)node_modules/@aws-sdk/|^@aws-sdk/' },
    },
    {
      name: 'services-are-independent',
      comment: 'A service talks to another through events and tables, never by importing its code.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'shared-imports-no-service',
      comment: 'shared/ is what several services or the CLI use; it never reaches into one service.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^services/' },
    },
    {
      name: 'manifest-is-data',
      comment: 'The manifest and table list (ADR 0004) import only the contracts, so every bundle can carry them.',
      severity: 'error',
      from: { path: '^shared/manifest/' },
      to: { path: '^(?!shared/(manifest|contracts)/)', dependencyTypesNot: ['core'] },
    },
    {
      name: 'runtime-imports-no-tools',
      comment: 'The runtime wrapper runs inside every deployed workflow function: no deployer, analysis, solver or orchestrator.',
      severity: 'error',
      from: { path: '^shared/runtime/' },
      to: { path: '^shared/(workflows|analysis|solver|orchestrator|labourer)/' },
    },
    {
      name: 'analysis-imports-no-runtime',
      comment: 'The static analysis (TypeScript compiler) is a deploy-time tool; it shares constants through contracts, not the runtime.',
      severity: 'error',
      from: { path: '^shared/analysis/' },
      to: { path: '^shared/runtime/' },
    },
    {
      name: 'tools-import-no-tests',
      comment: 'Benchmarks, local mode and scripts are shipped tools; tests import them, not the other way round.',
      severity: 'error',
      from: { path: '^(bench|testkit|local|scripts|cli|terraform)/' },
      to: { path: '^test/' },
    },
    {
      name: 'local-mode-imports-no-scripts',
      comment: 'Local mode (and the CLI that starts it) uses library code in shared/ or terraform/, not make-target scripts.',
      severity: 'error',
      from: { path: '^(local|cli)/' },
      to: { path: '^scripts/' },
    },
    {
      name: 'no-circular',
      comment: 'Import cycles make load order and bundling fragile.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|cdktf\\.out|\\.caribou-build|\\.local)/' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
