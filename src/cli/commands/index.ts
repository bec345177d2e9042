import type { CommandRegistrar } from '../cli-context.ts';
import { registerConformance } from './conformance.ts';
import { registerDeliveries } from './deliveries.ts';
import { registerDirectory } from './directory.ts';
import { registerEdxml } from './edxml.ts';
import { registerEvidence } from './evidence.ts';
import { registerHub } from './hub.ts';
import { registerNode } from './node.ts';
import { registerOperator } from './operator.ts';
import { registerPki } from './pki.ts';
import { registerQueues } from './queues.ts';
import { registerServe } from './serve.ts';
import { registerSign } from './sign.ts';
import { registerVerify } from './verify.ts';

/** Every command group of the `lienthong` program, in the order `--help` lists them. */
export const commandRegistrars: readonly CommandRegistrar[] = [
  registerDirectory,
  registerEdxml,
  registerNode,
  registerHub,
  registerServe,
  registerDeliveries,
  registerOperator,
  registerQueues,
  registerVerify,
  registerEvidence,
  registerSign,
  registerPki,
  registerConformance,
];
