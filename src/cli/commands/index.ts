import type { CommandRegistrar } from '../cli-context.ts';
import { registerDirectory } from './directory.ts';
import { registerNode } from './node.ts';

/** Every command group of the `lienthong` program, in the order `--help` lists them. */
export const commandRegistrars: readonly CommandRegistrar[] = [registerDirectory, registerNode];
