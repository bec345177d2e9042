// formatCsv (src/routing/csv.ts), and its round trip through parseCsv.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCsv, parseCsv } from '../../src/routing/index.ts';

const fieldsOf = (text: string) => parseCsv(text).map((r) => r.fields);

describe('formatCsv', () => {
  it('writes plain fields as they are, numbers as text, \\r\\n after every row', () => {
    expect(
      formatCsv([
        ['organId', 'sent', 'delivered'],
        ['000.00.00.G22', 12, 0],
      ]),
    ).toBe('organId,sent,delivered\r\n000.00.00.G22,12,0\r\n');
    expect(formatCsv([])).toBe('');
  });

  it('quotes a field with a comma, a quote or a line break, doubling quotes', () => {
    expect(formatCsv([['a,b', 'say "hi"', 'two\nlines', 'cr\rhere', 'plain']])).toBe(
      '"a,b","say ""hi""","two\nlines","cr\rhere",plain\r\n',
    );
    // A quote in the middle of a field, and a lone quote.
    expect(formatCsv([['5" floppy', '"']])).toBe('"5"" floppy",""""\r\n');
  });

  it('keeps Vietnamese text unquoted and unchanged', () => {
    const row = ['Ủy ban nhân dân tỉnh Hà Giang', 'Văn phòng Chính phủ', 'Sở Tài nguyên và Môi trường'];
    expect(formatCsv([row])).toBe(`${row.join(',')}\r\n`);
  });
});

describe('formatCsv then parseCsv', () => {
  it('gives back the rows: commas, quotes, line breaks, Vietnamese text, empty fields', () => {
    const rows = [
      ['Cơ quan', 'Số văn bản', 'Ghi chú'],
      ['Ủy ban nhân dân tỉnh Hà Giang', '12/UBND-VP', 'Gửi "khẩn", trước 17:00'],
      ['Văn phòng Chính phủ', '', 'dòng 1\r\ndòng 2\ndòng 3'],
      ['', '', ''],
      ['a', 'b,c,"d"', '""'],
    ];
    expect(fieldsOf(formatCsv(rows))).toEqual(rows);
  });

  it('gives back the numbers as their text', () => {
    expect(fieldsOf(formatCsv([[1, 2.5, -3, 0]]))).toEqual([['1', '2.5', '-3', '0']]);
  });

  it('numbers the records by the line each starts on, counting the line breaks inside quotes', () => {
    const records = parseCsv(
      formatCsv([
        ['x', 'a\nb\nc'],
        ['y', 'z'],
      ]),
    );
    expect(records.map((r) => r.line)).toEqual([1, 4]);
  });

  it('survives the BOM the statistics download puts first', () => {
    const rows = [
      ['Đơn vị', 'Đã gửi'],
      ['Sở Nội vụ', '3'],
    ];
    expect(fieldsOf(`\uFEFF${formatCsv(rows)}`)).toEqual(rows);
  });

  it('round-trips any rows of two or more fields (property)', () => {
    const text = fc.oneof(
      fc.string(),
      fc.constantFrom('', ',', '"', '""', '\n', '\r', '\r\n', 'Hỏa tốc, "khẩn"', 'Ủy ban\r\nnhân dân'),
      fc.string({ unit: fc.constantFrom('a', 'ă', 'Đ', ',', '"', '\n', '\r', ' ') }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(text, { minLength: 2, maxLength: 6 }), { maxLength: 8 }), (rows) => {
        expect(fieldsOf(formatCsv(rows))).toEqual(rows);
      }),
      { numRuns: 500 },
    );
  });
});
