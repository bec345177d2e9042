import { defineCodes } from '../core/index.ts';

/** Stable codes of the evidence log and its proof bundles (docs/evidence.md). */
export const evidenceCodes = defineCodes({
  EVIDENCE_BUNDLE_MALFORMED: {
    http: 400,
    meaning:
      'The file is not a proof bundle of the format lienthong-evidence-bundle/1 (a field is missing or of the wrong form).',
    vi: 'Tệp không phải là gói chứng cứ đúng định dạng',
    action: 'Check that the file is the one `lienthong evidence export` wrote, complete and unchanged.',
  },
  EVIDENCE_BYTES_MISMATCH: {
    http: 422,
    meaning:
      'The message bytes in the bundle do not hash to the SHA-256 the hub recorded when it accepted them: the bytes were changed.',
    vi: 'Nội dung gói tin trong gói chứng cứ đã bị thay đổi',
    action: 'The bundle cannot prove these bytes. Export it again from the hub and keep the file unchanged.',
  },
  EVIDENCE_CHAIN_BROKEN: {
    http: 422,
    meaning:
      'An entry of the bundle does not hash to its recorded hash, does not carry the hash of the entry before it, or the chain does not end at the signed head.',
    vi: 'Chuỗi nhật ký chứng cứ trong gói bị đứt hoặc đã bị sửa',
    action:
      'The reason names the entry. Export the bundle again; if the hub exports the same break, run `lienthong evidence verify-log`.',
  },
  EVIDENCE_ENTRY_MISMATCH: {
    http: 422,
    meaning:
      'The entries shown in the bundle are not about its message, do not record its acceptance, or record another hash or verdict than the bundle states.',
    vi: 'Các mục nhật ký không khớp với gói tin trong gói chứng cứ',
    action: 'The reason names the entry. Export the bundle again from the hub.',
  },
  EVIDENCE_HEAD_SIGNATURE: {
    http: 422,
    meaning: 'The signature over the head of the chain does not verify with the certificate in the bundle.',
    vi: 'Chữ ký số trên đỉnh chuỗi chứng cứ không hợp lệ',
    action: 'The head or its signature was changed. Export the bundle again from the hub.',
  },
  EVIDENCE_TIMESTAMP_INVALID: {
    http: 422,
    meaning:
      'The RFC 3161 timestamp of the head does not check: another digest, a broken signature, or a signer that is not a timestamping authority.',
    vi: 'Dấu thời gian của đỉnh chuỗi chứng cứ không hợp lệ',
    action: 'The head or its timestamp was changed. Export the bundle again from the hub.',
  },
  EVIDENCE_TSA_FAILED: {
    http: 502,
    meaning:
      'The timestamping authority (LIENTHONG_TSA_URL) could not be reached, refused the request, or answered a token that does not check. The head is signed without a timestamp.',
    vi: 'Không lấy được dấu thời gian từ tổ chức cấp dấu thời gian',
    action:
      'Check LIENTHONG_TSA_URL and the authority; the next head is timestamped again (`lienthong evidence sign-head`).',
  },
  EVIDENCE_SIGNER_UNTRUSTED: {
    http: 422,
    meaning:
      'The certificate that signed the head does not chain to a certificate given with --trust, or was not valid when it signed.',
    vi: 'Chứng thư ký đỉnh chuỗi chứng cứ không được tin cậy',
    action:
      "Check with the hub's operator which certificate signs its evidence (`lienthong evidence sign-head` prints it) and pass it, or its CA, with --trust.",
  },
  EVIDENCE_LOG_BROKEN: {
    http: 500,
    meaning:
      'The evidence log in the database does not check: an entry is missing, changed, or a signed head does not match.',
    vi: 'Nhật ký chứng cứ trong cơ sở dữ liệu không còn toàn vẹn',
    action:
      'Treat it as an incident: the reason names the first entry that fails. Compare with a backup and with bundles exported before.',
  },
  EVIDENCE_NOT_CHAINED: {
    http: 409,
    meaning: 'The message has no entry in the evidence log yet (its events are still being written).',
    vi: 'Gói tin chưa có trong nhật ký chứng cứ',
    action: 'Try again in a few seconds.',
  },
  EVIDENCE_SIGNER_INVALID: {
    http: 500,
    meaning:
      'LIENTHONG_EVIDENCE_KEY / LIENTHONG_EVIDENCE_CERT cannot be read, do not belong together, or hold a key that is neither EC nor RSA.',
    vi: 'Khóa hoặc chứng thư ký chứng cứ của trục không hợp lệ',
    action: 'Point both variables at PEM files of one EC or RSA key and its certificate.',
  },
});
