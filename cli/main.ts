// Entry point of the `caribou` command. bin/caribou.js runs its prebuilt bundle (dist/cli/, built by
// scripts/build-cli.ts) or, when that is missing or stale, this file through tsx.
import { main } from './main-core.js';

process.exitCode = await main(process.argv.slice(2));
