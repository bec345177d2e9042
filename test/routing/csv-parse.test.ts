// parseCsv (src/routing/csv.ts, on csv-parse): `;` files as Excel writes them on a Vietnamese
// locale, quoted fields with `;` and line breaks, Excel's BOM, and the lines records start on.
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, detectCsvDelimiter, formatCsv, parseCsv } from '../../src/routing/csv.ts';
import { parseDirectoryFile } from '../../src/routing/index.ts';

const fieldsOf = (text: string) => parseCsv(text).map((r) => r.fields);

describe('detectCsvDelimiter', () => {
  it('picks ; when the header has more semicolons than commas outside quotes', () => {
    expect(detectCsvDelimiter('organ_id;name;level\r\n')).toBe(';');
    expect(detectCsvDelimiter('organ_id,name,level\n')).toBe(',');
    expect(detectCsvDelimiter('"a,b,c";d;e\n')).toBe(';');
    expect(detectCsvDelimiter('"a;b;c",d\n')).toBe(',');
    // Only the header counts, not the rows below it; a tie (or nothing) is a comma.
    expect(detectCsvDelimiter('a,b\n1;2;3;4\n')).toBe(',');
    expect(detectCsvDelimiter('a;b\n1,2,3,4\n')).toBe(';');
    expect(detectCsvDelimiter('organ_id\n')).toBe(',');
    expect(detectCsvDelimiter('a,b;c\n')).toBe(',');
    // A BOM and blank lines before the header are skipped; a quoted line break stays in the header.
    expect(detectCsvDelimiter('\uFEFF\r\n\r\na;b\n')).toBe(';');
    expect(detectCsvDelimiter('"x\ny,z,w";b;c\n1,2,3\n')).toBe(';');
  });
});

describe('parseCsv', () => {
  it('reads a ; file as Excel writes it on a Vietnamese locale (BOM, \\r\\n, quotes)', () => {
    const text =
      '\uFEFForgan_id;name;level\r\n' +
      '000.00.00.G22;Văn phòng Chính phủ;central\r\n' +
      '000.00.00.Y02;"Ủy ban nhân dân tỉnh Hà Giang; cũ";province\r\n' +
      '000.00.00.Z08;"Ủy ban nhân dân\r\ntỉnh ""Tuyên Quang""";province\r\n' +
      '000.00.00.Q77;Số 1, phố Hàng Bài;unit\r\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['organ_id', 'name', 'level'] },
      { line: 2, fields: ['000.00.00.G22', 'Văn phòng Chính phủ', 'central'] },
      { line: 3, fields: ['000.00.00.Y02', 'Ủy ban nhân dân tỉnh Hà Giang; cũ', 'province'] },
      { line: 4, fields: ['000.00.00.Z08', 'Ủy ban nhân dân\r\ntỉnh "Tuyên Quang"', 'province'] },
      { line: 6, fields: ['000.00.00.Q77', 'Số 1, phố Hàng Bài', 'unit'] },
    ]);
  });

  it('takes the delimiter when given', () => {
    expect(fieldsOf('a;b,c\n')).toEqual([['a;b', 'c']]);
    expect(parseCsv('a;b,c\n', { delimiter: ';' }).map((r) => r.fields)).toEqual([['a', 'b,c']]);
  });

  it('strips the BOM from the first field only', () => {
    expect(fieldsOf('\uFEFFa,b\r\nc,d\r\n')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(fieldsOf('\uFEFF"a";b\n')).toEqual([['a', 'b']]);
  });

  it('numbers records by the line they start on: blank lines, \\n, \\r\\n and \\r inside quotes', () => {
    const text = '\r\na,b\r\n\r\n"x\r\n\r\ny",z\r\n"p\nq\rr",s\r\n\r\nc,d\r\n';
    expect(parseCsv(text).map((r) => [r.line, r.fields])).toEqual([
      [2, ['a', 'b']],
      [4, ['x\r\n\r\ny', 'z']],
      [7, ['p\nq\rr', 's']],
      [11, ['c', 'd']],
    ]);
    expect(parseCsv('a;"1\n2\n3";b\nc;d;e').map((r) => r.line)).toEqual([1, 4]);
  });

  it('keeps records of different lengths (the caller checks them)', () => {
    expect(fieldsOf('a,b,c\n1,2\n1,2,3,4\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2'],
      ['1', '2', '3', '4'],
    ]);
  });

  it('keeps a quote in the middle of an unquoted field', () => {
    expect(fieldsOf('a,5" floppy\n')).toEqual([['a', '5" floppy']]);
  });

  it('throws CsvSyntaxError naming the line an unterminated quote starts on', () => {
    const error = (() => {
      try {
        parseCsv('a;b\r\n1;2\r\n\r\n3;"4\r\n5\r\n');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).line).toBe(4);
    expect((error as CsvSyntaxError).message).toBe('unterminated quoted field starting on line 4');
  });

  it('reads back what formatCsv writes when a header field has semicolons', () => {
    const rows = [
      ['a;b;c', 'd'],
      ['1', 'x;y'],
    ];
    expect(formatCsv(rows)).toBe('"a;b;c",d\r\n1,"x;y"\r\n');
    expect(fieldsOf(formatCsv(rows))).toEqual(rows);
  });
});

describe('parseDirectoryFile (CSV with ;)', () => {
  it('imports a ; file with Excel BOM, a quoted ; and a quoted line break', () => {
    const text =
      '\uFEFForgan_id;name;level;node_id;synthetic\r\n' +
      '000.00.00.Z08;"Ủy ban nhân dân tỉnh Tuyên Quang; mới";province;tq-eoffice;có\r\n';
    expect(parseDirectoryFile(text, 'csv').findings.map((f) => `${f.code}@${f.path}`)).toEqual([
      'DIRECTORY_INVALID_FIELD@line 2/synthetic',
    ]);
    const good = text.replace(';có', ';1');
    const result = parseDirectoryFile(good, 'csv');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.file.organizations.map((o) => [o.organId, o.name, o.synthetic])).toEqual([
      ['000.00.00.Z08', 'Ủy ban nhân dân tỉnh Tuyên Quang; mới', true],
    ]);
    expect(result.file.nodes.map((n) => [n.id, n.organizations])).toEqual([
      ['tq-eoffice', ['000.00.00.Z08']],
    ]);
  });

  it('reports rows with the wrong number of fields by the line they start on', () => {
    const text = 'organ_id;name;level\n000.00.00.G22;"Văn phòng\nChính phủ";central\n000.00.00.Y02;a\n';
    expect(parseDirectoryFile(text, 'csv').findings.map((f) => `${f.code}@${f.path}`)).toEqual([
      'DIRECTORY_SYNTAX@line 4',
    ]);
  });

  it('refuses an unterminated quote as DIRECTORY_SYNTAX at its line', () => {
    const result = parseDirectoryFile('organ_id;name;level\n000.00.00.G22;"Văn phòng;central\n', 'csv');
    expect(result.ok).toBe(false);
    expect(result.findings.map((f) => [f.code, f.path, f.message])).toEqual([
      ['DIRECTORY_SYNTAX', 'line 2', 'not valid CSV: unterminated quoted field starting on line 2'],
    ]);
  });
});
