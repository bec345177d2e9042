import type { CommandRegistrar } from '../cli-context.ts';

/** Every command group of the `lienthong` program, in the order `--help` lists them. */
export const commandRegistrars: readonly CommandRegistrar[] = [];
