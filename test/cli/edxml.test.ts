import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectEdxml, messageToJson, parseEdxml, summarize } from '../../src/edxml/index.ts';
import { samplePackage } from '../edxml/sample-xml.ts';
import { repoRoot, sdkPath } from '../edxml/sdk-fixtures.ts';
import { runCli } from '../support/run-cli.ts';

const run = runCli;

let temp: string;
beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'lienthong-edxml-'));
});
afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe('lienthong edxml inspect', () => {
  it('prints the summary of a package and exits 0', async () => {
    const r = await run('edxml', 'inspect', sdkPath('edoc_replacement.edxml'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      kind: 'package',
      documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
      from: '000.00.00.G22',
      to: ['000.00.00.H41', '000.00.00.H14', '000.00.00.G17'],
      businessType: 3,
      priority: 0,
      statusCode: null,
      attachments: [
        {
          contentId: 'cid:209',
          name: '1896_QD-TTg_m_294779.doc',
          contentType: 'application/zip',
          size: 270823,
          sha256: '57634d6539d79c5935c12fabd7d8fa513d81d84a5fad4c82258a31ffa741aba5',
        },
      ],
      findings: [],
    });
  });

  it('prints a status package with its code', async () => {
    const r = await run('edxml', 'inspect', sdkPath('status_cancellation_13.edxml'));
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out);
    expect([printed.kind, printed.statusCode, printed.from, printed.to, printed.businessType]).toEqual([
      'status',
      '13',
      '000.00.00.G22',
      ['000.00.00.H41'],
      null,
    ]);
  });

  it('exits 1 with the findings when there is an error finding', async () => {
    // edoc.edxml's placeholder attachment body is a warning when lenient, an error with --strict.
    const lenient = await run('edxml', 'inspect', sdkPath('edoc.edxml'));
    expect(lenient.code).toBe(0);
    const r = await run('edxml', 'inspect', '--strict', sdkPath('edoc.edxml'));
    expect(r.code).toBe(1);
    const printed = JSON.parse(r.out);
    expect(printed.documentId).toBe('9fbfbad2-f1f8-4256-a2eb-50fb1061cddb');
    expect(printed.findings.map((f: { code: string }) => f.code)).toContain('EDXML_BAD_BASE64');
  });

  it('exits 1 on hostile XML, with no kind', async () => {
    const r = await run(
      'edxml',
      'inspect',
      path.join(repoRoot, 'test', 'fixtures', 'edxml', 'billion-laughs.edxml'),
    );
    expect(r.code).toBe(1);
    const printed = JSON.parse(r.out);
    expect([printed.kind, printed.findings[0].code]).toEqual([null, 'XML_FORBIDDEN']);
  });

  it('applies --strict and --max-bytes', async () => {
    const gateway = sdkPath('gateway-upload-1da394ba-2117-4354-a23f-6ec3e47ba81b.edxml');
    expect((await run('edxml', 'inspect', gateway)).code).toBe(0);
    expect((await run('edxml', 'inspect', '--strict', gateway)).code).toBe(1);
    const small = await run('edxml', 'inspect', '--max-bytes', '100', gateway);
    expect([small.code, JSON.parse(small.out).findings[0].code]).toEqual([1, 'EDXML_PAYLOAD_TOO_LARGE']);
    expect((await run('edxml', 'inspect', '--max-bytes', 'lots', gateway)).code).toBe(2);
  });

  it('exits 2 on a missing file or a missing argument', async () => {
    expect((await run('edxml', 'inspect', path.join(temp, 'nope.edxml'))).code).toBe(2);
    expect((await run('edxml', 'inspect')).code).toBe(2);
  });

  // One real process (the bin/ glue); slow to start because tsx compiles the whole CLI.
  it('exits with the same code from a real process', { timeout: 90_000 }, () => {
    const bin = path.join(repoRoot, 'bin', 'lienthong.js');
    const bad = spawnSync(process.execPath, [bin, 'edxml', 'inspect', '--strict', sdkPath('edoc.edxml')], {
      encoding: 'utf8',
    });
    expect([bad.status, JSON.parse(bad.stdout).kind]).toEqual([1, 'package']);
  });
});

describe('lienthong edxml build', () => {
  it('writes edXML that parses back to the model', async () => {
    const model = inspectEdxml(samplePackage()).message;
    if (!model) throw new Error('sample does not read');
    const file = path.join(temp, 'model.json');
    await writeFile(file, JSON.stringify(messageToJson(model)));
    const r = await run('edxml', 'build', file);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">');
    const back = parseEdxml(r.out);
    expect(back.ok && summarize(back.message)).toEqual(summarize(model));
  });

  it('exits 1 with findings on stderr for a model with errors', async () => {
    const file = path.join(temp, 'status.json');
    await writeFile(
      file,
      JSON.stringify({
        kind: 'status',
        from: { organId: '000.00.00.H29' },
        responseFor: {},
        statusCode: '03',
        timestamp: 'soon',
      }),
    );
    const r = await run('edxml', 'build', file);
    expect([r.code, r.out]).toEqual([1, '']);
    const codes = JSON.parse(r.err).findings.map((f: { code: string }) => f.code);
    expect(codes).toEqual(['EDXML_MISSING_ELEMENT', 'EDXML_MISSING_ELEMENT', 'EDXML_BAD_DATE']);
  });

  it('exits 1 on a JSON of the wrong shape, 2 on a file that is not JSON', async () => {
    const wrong = path.join(temp, 'wrong.json');
    await writeFile(wrong, JSON.stringify({ kind: 'package', header: { from: {} }, extra: 1 }));
    const r = await run('edxml', 'build', wrong);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.err).findings[0].code).toBe('EDXML_BAD_MODEL');
    const notJson = path.join(temp, 'not.json');
    await writeFile(notJson, '<edXML/>');
    expect((await run('edxml', 'build', notJson)).code).toBe(2);
    expect((await run('edxml', 'build', path.join(temp, 'missing.json'))).code).toBe(2);
  });

  it('documents the model shape in --help', async () => {
    const r = await run('edxml', 'build', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('"kind": "package"');
    expect(r.out).toContain('"statusCode": "01"');
  });
});
