// `node --import @caribou-ts/caribou/register`: TypeScript for a workflow project's own scripts
// (its tests), with the loader this package depends on. Resolved from here, not from the project,
// so a project needs no TypeScript tooling of its own (docs/adr/0007-author-package.md).
import 'tsx';
