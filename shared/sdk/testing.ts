// Running a workflow project in memory through the real runtime wrapper: for a project's own tests
// (`caribou new_workflow` scaffolds one). The analysis (TypeScript compiler) is loaded only here,
// so deployed bundles never carry it.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { simulateWorkflow, type SimulationOptions, type SimulationResult } from '../runtime/memory.js';
import { constructedWorkflows } from './workflow.js';

export type { SimulationOptions, SimulationResult };

export async function simulateProject(projectDir: string, input: unknown, options: SimulationOptions = {}): Promise<SimulationResult> {
  const analysisModule = '../analysis/project.js';
  const { analyzeProject } = (await import(analysisModule)) as typeof import('../analysis/project.js');
  const project = analyzeProject(projectDir);
  await import(pathToFileURL(path.resolve(project.entryFile)).href);
  const workflow = constructedWorkflows().find((w) => w.workflowId === project.dag.workflow_id);
  if (!workflow) throw new Error(`${project.entryFile} did not construct workflow ${project.dag.workflow_id}`);
  return simulateWorkflow({ workflow, dag: project.dag }, input, options);
}
