import { openCluster, type Cluster } from '../client/cluster.js';
import type { ExperimentHandle } from '../client/experiments.js';
import type { experimentWorkflow } from '../workflows/index.js';
import type { ParsedArgs } from './command.js';
import { clusterOptionsOf } from './cluster-options.js';

/** Opens the cluster the options name, hands over the experiment `ID`, and always closes it. */
export async function withExperiment<T>(
  args: ParsedArgs,
  body: (handle: ExperimentHandle, cluster: Cluster) => Promise<T>,
): Promise<T> {
  const cluster = await openCluster(clusterOptionsOf(args.options));
  try {
    const id = args.positionals['ID']![0]!;
    return await body(cluster.client.workflow.getHandle<typeof experimentWorkflow>(id), cluster);
  } finally {
    await cluster.close();
  }
}
