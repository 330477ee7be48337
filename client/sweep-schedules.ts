import type { Client, ScheduleHandle, ScheduleOverlapPolicy } from '@temporalio/client';
import { sweepWorkflow, type SweepInput } from '../workflows/index.js';
import { loadSweep } from './sweeps.js';

export interface ScheduleTiming {
  every?: string;
  cron?: string;
  overlap: 'skip' | 'buffer_one' | 'buffer_all' | 'cancel_other' | 'terminate_other' | 'allow_all';
}

/** A Temporal Schedule that starts the sweep of SPEC on an interval or cron expression. */
export async function createSweepSchedule(
  client: Client,
  file: string,
  timing: ScheduleTiming,
): Promise<string> {
  return createScheduleForInput(client, (await loadSweep(file)).input, timing, file);
}

export async function createScheduleForInput(
  client: Client,
  input: SweepInput,
  timing: ScheduleTiming,
  specName: string,
): Promise<string> {
  const scheduleId = `${input.sweepId}-schedule`;
  await client.schedule.create({
    scheduleId,
    spec: timing.every
      ? { intervals: [{ every: timing.every as `${number}${'s' | 'm' | 'h' | 'd'}` }] }
      : { cronExpressions: [timing.cron!] },
    action: {
      type: 'startWorkflow',
      workflowType: sweepWorkflow,
      workflowId: input.sweepId,
      taskQueue: input.cpuQueue,
      args: [input],
    },
    policies: { overlap: timing.overlap.toUpperCase() as ScheduleOverlapPolicy },
    memo: { spec: specName },
  });
  return scheduleId;
}

export async function listSweepSchedules(
  client: Client,
): Promise<{ id: string; paused: boolean; spec: string }[]> {
  const rows = [];
  for await (const schedule of client.schedule.list()) {
    if (
      schedule.action?.type !== 'startWorkflow' ||
      schedule.action.workflowType !== 'sweepWorkflow'
    )
      continue;
    rows.push({
      id: schedule.scheduleId,
      paused: schedule.state.paused,
      spec: String(schedule.memo?.spec ?? ''),
    });
  }
  return rows;
}

export function scheduleHandle(client: Client, id: string): ScheduleHandle {
  return client.schedule.getHandle(id);
}
