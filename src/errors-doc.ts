import { codeSections } from './errors.ts';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** docs/errors.md as generated from the registry: one table per area. */
export function renderErrorsDoc(): string {
  const lines = [
    '# Error codes',
    '',
    'Every refusal and finding of lienthong carries one of these stable codes. Programs branch on the',
    'code, never on the message. The node API answers refusals as `application/problem+json` with the',
    'code, the findings and the request id; the VXP API starts `ErrorDesc` with the same code.',
    '',
    'The last column is the Vietnamese title the staff of an agency read: the node API sends it as',
    '`titleVi` in every problem+json answer (and as `title`, with `Content-Language: vi`, when the',
    'request prefers Vietnamese in `Accept-Language`); the VXP API puts it in `ErrorDesc` right after',
    "the code; the console shows it under a failed delivery's code.",
    '',
    'This page is generated from `src/errors.ts` by `node --import tsx scripts/gen-errors-doc.ts`;',
    'a test fails when it is stale.',
  ];
  for (const { area, table } of codeSections) {
    lines.push(
      '',
      `## ${area}`,
      '',
      '| code | HTTP | meaning | what to do | tiếng Việt |',
      '|---|---|---|---|---|',
    );
    for (const [code, info] of Object.entries(table)) {
      lines.push(
        `| \`${code}\` | ${info.http} | ${cell(info.meaning)} | ${cell(info.action)} | ${cell(info.vi)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
