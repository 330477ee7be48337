import { openCluster, type Cluster } from '../client/cluster.js';
import type { ExperimentHandle } from '../client/experiments.js';
import type { experimentWorkflow } from '../workflows/index.js';
import type { ParsedArgs } from './command.js';
import { clusterOptionsOf } from './cluster-options.js';

/** Opens the cluster the options name, runs `body`, and always closes it. */
export async function withCluster<T>(
  args: ParsedArgs,
  body: (cluster: Cluster) => Promise<T>,
): Promise<T> {
  const cluster = await openCluster(clusterOptionsOf(args.options));
  try {
    return await body(cluster);
  } finally {
    await cluster.close();
  }
}

/** `withCluster`, handing over the experiment named by the `ID` argument. */
export function withExperiment<T>(
  args: ParsedArgs,
  body: (handle: ExperimentHandle, cluster: Cluster) => Promise<T>,
): Promise<T> {
  const id = args.positionals['ID']![0]!;
  return withCluster(args, (cluster) =>
    body(cluster.client.workflow.getHandle<typeof experimentWorkflow>(id), cluster),
  );
}
