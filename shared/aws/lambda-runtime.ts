// The one Lambda runtime every function is created with: the control plane (terraform/stack.ts),
// workflow functions (shared/workflows/resources.ts) and the Node major local mode runs function
// code on (local/runtime/function-node.ts).
// nodejs20.x can no longer be created on AWS (blocked since 31 Aug 2026).

/** Lambda runtime identifier of every Caribou function. */
export const LAMBDA_NODE_RUNTIME = 'nodejs22.x';

/** Major Node.js version that runtime provides. */
export const LAMBDA_NODE_MAJOR = Number(LAMBDA_NODE_RUNTIME.match(/^nodejs(\d+)\.x$/)![1]);

export interface NodeVersionCheck {
  declared: string;
  local: string;
  matches: boolean;
  /** Why it matters when it does not match; undefined when it matches. */
  warning?: string;
}

/** Compares the Node that runs function code locally with the one Lambda would run it on. */
export function checkLocalNode(localVersion: string = process.version): NodeVersionCheck {
  const major = Number(localVersion.replace(/^v/, '').split('.')[0]);
  const matches = major === LAMBDA_NODE_MAJOR;
  return {
    declared: LAMBDA_NODE_RUNTIME,
    local: localVersion,
    matches,
    warning: matches
      ? undefined
      : `functions are declared ${LAMBDA_NODE_RUNTIME} but local mode runs them on Node ${localVersion}: ` +
        `code that relies on Node ${LAMBDA_NODE_MAJOR} APIs can pass here and fail on AWS (or the reverse); ` +
        `\`make install\` (or \`make function-node\`) installs Node ${LAMBDA_NODE_MAJOR} into .tools/ for the functions`,
  };
}
