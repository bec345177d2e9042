import type { FindingSink } from './finding-sink.ts';

/** Where validation findings point (paths of the file form, local names). */
export const PATHS = {
  header: 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader',
  trace: 'edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList',
  business: 'edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness',
  manifest: 'edXML/edXMLEnvelope/edXMLBody/edXMLManifest',
  attachments: 'edXML/AttachmentEncoded',
} as const;

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function realDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && !leap ? 28 : (DAYS[m - 1] as number));
}

/** `yyyy/MM/dd`, a real calendar day. */
export function isEdxmlDate(text: string): boolean {
  const m = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(text);
  return m !== null && realDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** `yyyy/MM/dd HH:mm:ss`, Vietnam time unless followed by `Z` or `±HH:mm`. */
export function isEdxmlTimestamp(text: string): boolean {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(Z|[+-](\d{2}):(\d{2}))?$/.exec(text);
  if (m === null || !realDay(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return false;
  return m[8] === undefined || (Number(m[8]) <= 14 && Number(m[9]) <= 59);
}

/**
 * The instant an edXML timestamp names: Vietnam time (UTC+7) unless it ends in `Z` or `±HH:mm`.
 * null when the text is not a valid timestamp. Pure: no clock is read.
 */
export function edxmlTimestampToDate(text: string): Date | null {
  if (!isEdxmlTimestamp(text)) return null;
  const [date = '', time = ''] = text.split(' ');
  const clock = time.slice(0, 8);
  const zone = time.length > 8 ? time.slice(8) : '+07:00';
  return new Date(`${date.replaceAll('/', '-')}T${clock}${zone}`);
}

// QĐ 20/2020: up to 35 characters of 0-9 A-Z in dot-separated groups (e.g. 000.00.00.H29).
const ORGAN_ID = /^[0-9A-Z]+(\.[0-9A-Z]+)*$/;

/** Small value checks that write findings; `undefined` values are not checked here. */
export class ValueChecks {
  readonly sink: FindingSink;

  constructor(sink: FindingSink) {
    this.sink = sink;
  }

  /** Error when a required value is absent or empty. Returns whether it is present. */
  required(value: string | undefined, path: string, name = path.split('/').pop()): value is string {
    if (value !== undefined && value !== '') return true;
    this.sink.error('EDXML_MISSING_ELEMENT', path, `${name} is required`);
    return false;
  }

  /** Error when a required container element is absent. Returns whether it is present. */
  present(value: object | undefined, path: string): boolean {
    if (value !== undefined) return true;
    this.sink.error('EDXML_MISSING_ELEMENT', path, `${path.split('/').pop()} is required`);
    return false;
  }

  date(value: string | undefined, path: string): void {
    if (value !== undefined && !isEdxmlDate(value)) {
      this.sink.error('EDXML_BAD_DATE', path, `"${value.slice(0, 40)}" is not a yyyy/MM/dd date`);
    }
  }

  timestamp(value: string | undefined, path: string): void {
    if (value !== undefined && !isEdxmlTimestamp(value)) {
      this.sink.error(
        'EDXML_BAD_DATE',
        path,
        `"${value.slice(0, 40)}" is not a yyyy/MM/dd HH:mm:ss timestamp`,
      );
    }
  }

  maxLength(value: string | undefined, limit: number, path: string): void {
    if (value !== undefined && value.length > limit) {
      this.sink.warning('EDXML_TOO_LONG', path, `${value.length} characters; QCVN 102 allows ${limit}`);
    }
  }

  oneOf(value: string | undefined, allowed: readonly string[], path: string): void {
    if (value !== undefined && !allowed.includes(value)) {
      this.sink.warning(
        'EDXML_BAD_VALUE',
        path,
        `"${value.slice(0, 40)}" is not one of ${allowed.join(', ')}`,
      );
    }
  }

  organId(value: string | undefined, path: string): void {
    if (value !== undefined && value !== '' && (value.length > 35 || !ORGAN_ID.test(value))) {
      this.sink.warning(
        'EDXML_ORGAN_ID_SHAPE',
        path,
        `"${value.slice(0, 40)}" is not shaped like a QĐ 20/2020 organ id`,
      );
    }
  }
}
