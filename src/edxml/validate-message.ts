import type { FindingSink } from './finding-sink.ts';
import type { EdxmlMessage } from './model.ts';

/** Validates a model into `sink` (filled in by the validation step). */
export function validateInto(_message: EdxmlMessage, _sink: FindingSink): void {}
