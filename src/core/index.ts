export { type CodeInfo, type CodeTable, defineCodes } from './code-registry.ts';
export { hasControlCharacters } from './control-characters.ts';
export { isLienthongError, LienthongError, type LienthongErrorOptions } from './error.ts';
export { type Finding, hasError, type Severity } from './finding.ts';
export { isUuid } from './ids.ts';
