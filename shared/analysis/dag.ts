// The logical DAG (caribou-spec §4.3): instances named by a BFS from the entry point with a global
// counter, one instance per synchronization function, one edge per call site. Fixes over the Python
// builder: a sync instance carries its index (`<fn>:sync:<index>`, so its successors' names have a
// predecessor index), and edges are identified by call site, so several call sites from one
// predecessor into one sync node are counted separately at run time (docs/workflows.md).
import type { AnalyzedFunction, SourceAnalysis } from './analyze.js';
import { functionPrefix, workflowId } from './names.js';

export interface MergedRegionsAndProviders {
  allowed_regions: { provider: string; region: string }[] | null;
  disallowed_regions: { provider: string; region: string }[] | null;
  providers: Record<string, { config: { memory: number; timeout: number; [k: string]: unknown } }>;
}

export interface DagEdge {
  /** `<from instance>#<call site index>`: unique per call site. */
  edge_id: string;
  from: string;
  to: string;
  /** Position of the call among the predecessor function's call sites (0-based). */
  call_site: number;
  /** True when the call passes a condition (may be skipped at run time). */
  conditional: boolean;
}

export interface DagInstance {
  instance_name: string;
  function_name: string;
  is_sync: boolean;
  is_entry: boolean;
  /** Distinct successor instances, in call-site order. */
  succeeding_instances: string[];
  /** Distinct predecessor instances. */
  preceding_instances: string[];
  /** Edge ids leaving this instance, in call-site order. */
  outgoing_edges: string[];
  /** Edge ids arriving at this instance (a sync node waits for all of them). */
  incoming_edges: string[];
  /** [predecessor instance, sync instance] of the first sync node on every path from here. */
  dependent_sync_predecessors: [string, string][];
  regions_and_providers: MergedRegionsAndProviders;
}

export interface WorkflowDag {
  workflow_id: string;
  workflow_name: string;
  workflow_version: string;
  entry_instance: string;
  instances: Record<string, DagInstance>;
  edges: Record<string, DagEdge>;
}

export function mergeRegionsAndProviders(fn: AnalyzedFunction, global: MergedRegionsAndProviders): MergedRegionsAndProviders {
  const rp = fn.regionsAndProviders;
  const nonEmpty = <T>(list: T[] | null | undefined) => (list && list.length > 0 ? list : undefined);
  return {
    allowed_regions: nonEmpty(rp?.allowedRegions) ?? global.allowed_regions ?? null,
    disallowed_regions: nonEmpty(rp?.disallowedRegions) ?? global.disallowed_regions ?? null,
    providers: rp?.providers && Object.keys(rp.providers).length > 0 ? rp.providers : global.providers,
  };
}

export function buildDag(analysis: SourceAnalysis, global: MergedRegionsAndProviders): WorkflowDag {
  const byName = new Map(analysis.functions.map((f) => [f.name, f]));
  const entry = analysis.functions.find((f) => f.entryPoint);
  if (!entry) throw new Error('buildDag needs an analysed workflow with an entry point');
  const prefix = (fn: string) => functionPrefix(analysis.workflowName, analysis.workflowVersion, fn);
  const instances: Record<string, DagInstance> = {};
  const edges: Record<string, DagEdge> = {};
  const syncInstance = new Map<string, string>();
  const makeInstance = (name: string, fn: AnalyzedFunction): DagInstance => {
    const instance: DagInstance = {
      instance_name: name,
      function_name: fn.name,
      is_sync: fn.isSync,
      is_entry: fn.entryPoint,
      succeeding_instances: [],
      preceding_instances: [],
      outgoing_edges: [],
      incoming_edges: [],
      dependent_sync_predecessors: [],
      regions_and_providers: mergeRegionsAndProviders(fn, global),
    };
    instances[name] = instance;
    return instance;
  };

  interface Pending {
    fn: AnalyzedFunction;
    from?: string;
    callSite: number;
    conditional: boolean;
  }
  const queue: Pending[] = [{ fn: entry, callSite: 0, conditional: false }];
  let counter = 0;
  while (queue.length > 0) {
    const item = queue.shift()!;
    const index = counter++;
    let name: string;
    let created = false;
    if (!item.from) {
      name = `${prefix(item.fn.name)}:entry_point:0`;
      makeInstance(name, item.fn);
      created = true;
    } else if (item.fn.isSync) {
      const existing = syncInstance.get(item.fn.name);
      if (existing) name = existing;
      else {
        name = `${prefix(item.fn.name)}:sync:${index}`;
        syncInstance.set(item.fn.name, name);
        makeInstance(name, item.fn);
        created = true;
      }
    } else {
      const from = instances[item.from]!;
      const predIndex = item.from.slice(item.from.lastIndexOf(':') + 1);
      name = `${prefix(item.fn.name)}:${prefix(from.function_name)}_${predIndex}_${item.callSite}:${index}`;
      makeInstance(name, item.fn);
      created = true;
    }
    if (item.from) {
      const edgeId = `${item.from}#${item.callSite}`;
      edges[edgeId] = { edge_id: edgeId, from: item.from, to: name, call_site: item.callSite, conditional: item.conditional };
      const from = instances[item.from]!;
      const to = instances[name]!;
      from.outgoing_edges.push(edgeId);
      to.incoming_edges.push(edgeId);
      if (!from.succeeding_instances.includes(name)) from.succeeding_instances.push(name);
      if (!to.preceding_instances.includes(item.from)) to.preceding_instances.push(item.from);
    }
    if (created) {
      item.fn.callSites.forEach((site, k) => {
        queue.push({ fn: byName.get(site.target)!, from: name, callSite: k, conditional: site.conditional });
      });
    }
  }
  // Outgoing edges were appended in dequeue order; keep them in call-site order.
  for (const instance of Object.values(instances)) {
    instance.outgoing_edges.sort((a, b) => edges[a]!.call_site - edges[b]!.call_site);
  }
  for (const instance of Object.values(instances)) {
    instance.dependent_sync_predecessors = dependentSyncPredecessors(instance.instance_name, instances, edges);
  }
  return {
    workflow_id: workflowId(analysis.workflowName, analysis.workflowVersion),
    workflow_name: analysis.workflowName,
    workflow_version: analysis.workflowVersion,
    entry_instance: `${prefix(entry.name)}:entry_point:0`,
    instances,
    edges,
  };
}

/** Edges into the first sync node on every path leaving `start` (what a skip of `start` settles). */
export function syncEdgesSettledBySkip(start: string, instances: Record<string, DagInstance>, edges: Record<string, DagEdge>): string[] {
  const out: string[] = [];
  const walk = (name: string) => {
    for (const edgeId of instances[name]!.outgoing_edges) {
      const to = edges[edgeId]!.to;
      if (instances[to]!.is_sync) out.push(edgeId);
      else walk(to);
    }
  };
  walk(start);
  return out;
}

function dependentSyncPredecessors(
  start: string,
  instances: Record<string, DagInstance>,
  edges: Record<string, DagEdge>,
): [string, string][] {
  const pairs: [string, string][] = [];
  for (const edgeId of syncEdgesSettledBySkip(start, instances, edges)) {
    const edge = edges[edgeId]!;
    if (!pairs.some(([p, s]) => p === edge.from && s === edge.to)) pairs.push([edge.from, edge.to]);
  }
  return pairs;
}
