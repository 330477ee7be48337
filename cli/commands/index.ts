import type { Command } from '../command.js';
import { configShow } from './config-show.js';
import { configValidate } from './config-validate.js';

/** Every `sfe` command, one module each, in the order `sfe --help` lists them. */
export const COMMANDS: readonly Command[] = [configValidate, configShow];
