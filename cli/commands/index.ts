import type { Command } from '../command.js';
import { cancel } from './cancel.js';
import { compare } from './compare.js';
import { configShow } from './config-show.js';
import { configValidate } from './config-validate.js';
import { dataFetch } from './data-fetch.js';
import { doctor } from './doctor.js';
import { list } from './list.js';
import { report } from './report.js';
import { resume } from './resume.js';
import { run } from './run.js';
import { status } from './status.js';
import {
  sweepCancel,
  sweepLeaderboard,
  sweepResume,
  sweepRun,
  sweepSchedule,
  sweepStatus,
} from './sweep.js';
import { watch } from './watch.js';
import { worker } from './worker.js';

/** Every `sfe` command, one module each, in the order `sfe --help` lists them. */
export const COMMANDS: readonly Command[] = [
  run,
  compare,
  status,
  watch,
  list,
  cancel,
  resume,
  report,
  worker,
  sweepRun,
  sweepStatus,
  sweepLeaderboard,
  sweepCancel,
  sweepResume,
  sweepSchedule,
  doctor,
  configValidate,
  configShow,
  dataFetch,
];
