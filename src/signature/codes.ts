import { defineCodes } from '../core/index.ts';

/**
 * Every stable code the signature area produces: the verdict codes (`SignatureVerdict.code`), the
 * finding codes that explain them, and the errors thrown by loading trust material and signing.
 */
export const signatureCodes = defineCodes({
  // Verdict codes.
  OK: {
    http: 200,
    meaning: 'The package signature verifies, and its certificate chains to a configured trust anchor.',
    vi: 'Chữ ký số của gói tin hợp lệ',
    action: 'None.',
  },
  SIGNATURE_MISSING: {
    http: 422,
    meaning:
      'The package carries no XML signature (a placeholder block in the edXML namespace does not count).',
    vi: 'Gói tin chưa được ký số',
    action:
      'Sign the package (enveloped XMLDSig inside edXMLHeader), or register the sender as legacy/unsigned.',
  },
  SIGNATURE_INVALID: {
    http: 422,
    meaning: 'The signature or a digest does not match the content: the package was changed after signing.',
    vi: 'Chữ ký số của gói tin không hợp lệ',
    action: 'Resend the package exactly as signed; do not reformat or re-encode it after signing.',
  },
  SIGNATURE_SCOPE: {
    http: 422,
    meaning:
      'The signature does not cover the whole document the way the profile requires (placement, count, reference, transforms).',
    vi: 'Chữ ký số không bao trùm toàn bộ gói tin theo quy định',
    action:
      'Use one enveloped signature in edXMLHeader with one Reference URI="" and only enveloped + C14N transforms.',
  },
  ALGORITHM_REJECTED: {
    http: 422,
    meaning:
      'An algorithm (signature, digest, canonicalization, transform or key size) is not on the allow-list.',
    vi: 'Thuật toán ký số hoặc độ dài khóa không được chấp nhận',
    action: 'Sign with RSA (PKCS#1 v1.5 or PSS) or ECDSA P-256/P-384 and SHA-256 or stronger.',
  },
  CERT_UNTRUSTED: {
    http: 422,
    meaning: 'The signer certificate is missing, malformed, or does not chain to a configured trust anchor.',
    vi: 'Chứng thư số ký gói tin không hợp lệ hoặc không được tin cậy',
    action: 'Sign with a certificate issued under a trusted CA and include it in KeyInfo/X509Data.',
  },
  CERT_EXPIRED: {
    http: 422,
    meaning: 'A certificate in the signer chain had expired at the validation time.',
    vi: 'Chứng thư số đã hết hạn',
    action: 'Renew the signing certificate and sign again.',
  },
  CERT_NOT_YET_VALID: {
    http: 422,
    meaning: 'A certificate in the signer chain was not yet valid at the validation time.',
    vi: 'Chứng thư số chưa có hiệu lực',
    action: 'Check the signing system clock, or wait until the certificate becomes valid.',
  },
  CERT_USAGE: {
    http: 422,
    meaning:
      'A certificate is used for something it does not allow (signing without digitalSignature/nonRepudiation, an issuer that is not a CA, path length exceeded).',
    vi: 'Chứng thư số không được phép dùng để ký văn bản',
    action: 'Sign with a document-signing certificate.',
  },
  CERT_REVOKED: {
    http: 422,
    meaning: 'A certificate in the signer chain is listed as revoked in a CRL.',
    vi: 'Chứng thư số đã bị thu hồi',
    action: 'Obtain a new certificate and sign again.',
  },
  XML_FORBIDDEN: {
    http: 422,
    meaning: 'The document contains a DOCTYPE, an entity declaration or a processing instruction.',
    vi: 'Nội dung XML chứa khai báo DOCTYPE, ENTITY hoặc chỉ thị xử lý bị cấm',
    action: 'Send plain XML: an XML declaration followed by the edXML element, nothing else.',
  },
  XML_MALFORMED: {
    http: 422,
    meaning: 'The bytes are not well-formed UTF-8 XML.',
    vi: 'Nội dung XML sai cú pháp hoặc không đầy đủ',
    action: 'Send a well-formed UTF-8 XML document.',
  },
  // Finding codes (explain a verdict; not verdict codes themselves).
  XML_ENCODING: {
    http: 422,
    meaning: 'The bytes are not UTF-8, or the XML declaration names another encoding.',
    vi: 'Gói tin không dùng bảng mã UTF-8',
    action: 'Send UTF-8.',
  },
  XML_PARSE: {
    http: 422,
    meaning: 'The XML parser refused the document (not well-formed or not namespace-well-formed).',
    vi: 'Không phân tích được nội dung XML của gói tin',
    action: 'Fix the XML producer; undeclared prefixes and text before the declaration are common causes.',
  },
  XML_DOCTYPE: {
    http: 422,
    meaning: 'The document contains a DOCTYPE or ENTITY declaration.',
    vi: 'Gói tin chứa khai báo DOCTYPE hoặc ENTITY',
    action: 'Remove the DOCTYPE.',
  },
  XML_NAMESPACE_URI: {
    http: 422,
    meaning:
      'A namespace declaration holds a quote, ampersand, angle bracket, tab or line break in its URI: the XML signature library writes such a URI unescaped when canonicalizing, which can hide signed content.',
    vi: 'Khai báo không gian tên chứa ký tự không được phép',
    action: 'Use plain namespace URIs (edXML and XMLDSig need nothing else).',
  },
  XML_PROCESSING_INSTRUCTION: {
    http: 422,
    meaning: 'The document contains a processing instruction other than the XML declaration.',
    vi: 'Gói tin chứa chỉ thị xử lý XML không được phép',
    action: 'Remove processing instructions.',
  },
  CERT_MISSING: {
    http: 422,
    meaning: 'KeyInfo carries no X509Certificate.',
    vi: 'Chữ ký số không kèm chứng thư số của người ký',
    action: 'Include the signer certificate in KeyInfo/X509Data.',
  },
  CERT_MALFORMED: {
    http: 422,
    meaning: 'The X509Certificate in KeyInfo cannot be parsed.',
    vi: 'Không đọc được chứng thư số kèm theo chữ ký số',
    action: 'Include the DER certificate, base64-encoded.',
  },
  KEY_MISMATCH: {
    http: 422,
    meaning: 'The certificate key does not fit the SignatureMethod (e.g. an RSA key with an ECDSA method).',
    vi: 'Khóa của chứng thư số không phù hợp với thuật toán ký',
    action: 'Sign with the algorithm that matches the certificate key.',
  },
  SIGNATURE_PLACEHOLDER: {
    http: 422,
    meaning:
      'A Signature block in the edXML namespace (the SDK sample placeholder) was found; it is not a signature.',
    vi: 'Gói tin chỉ có khối chữ ký mẫu, chưa được ký số thật',
    action: 'Sign the package with a real XMLDSig signature.',
  },
  DIGEST_MISMATCH: {
    http: 422,
    meaning: 'The digest of the signed content differs from the DigestValue in the signature.',
    vi: 'Mã băm của nội dung đã ký không khớp với chữ ký số',
    action: 'Resend the package exactly as signed.',
  },
  CERT_CHAIN_INCOMPLETE: {
    http: 422,
    meaning: 'No path from the signer certificate to a trust anchor could be built.',
    vi: 'Không xác lập được chuỗi chứng thực tới chứng thư số gốc tin cậy',
    action: 'Include the intermediate CA certificates, or configure the missing CA in the trust store.',
  },
  CERT_CRITICAL_EXTENSION: {
    http: 422,
    meaning: 'A certificate carries a critical extension this verifier does not process.',
    vi: 'Chứng thư số có trường mở rộng bắt buộc không được hỗ trợ',
    action: 'Use a certificate without unsupported critical extensions.',
  },
  CERT_WEAK_SIGNATURE: {
    http: 422,
    meaning: 'A certificate in the chain is signed with SHA-1 and the policy does not allow legacy SHA-1.',
    vi: 'Chứng thư số dùng thuật toán SHA-1 không còn được chấp nhận',
    action: 'Use a SHA-256 chain (G2 / current CAs), or enable legacy SHA-1 for this sender.',
  },
  CRL_STALE: {
    http: 422,
    meaning: 'The CRL used for a revocation check is past its nextUpdate.',
    vi: 'Danh sách chứng thư số bị thu hồi (CRL) đã quá hạn cập nhật',
    action: 'Refresh the CRL files of the trust store.',
  },
  CRL_INVALID: {
    http: 422,
    meaning: 'A CRL for the issuer was found but its signature does not verify; it was ignored.',
    vi: 'Chữ ký số của CRL không hợp lệ nên CRL bị bỏ qua',
    action: 'Replace the CRL file with the one the CA publishes.',
  },
  REVOCATION_UNKNOWN: {
    http: 422,
    meaning: 'No revocation information (CRL) was available for a certificate in the chain.',
    vi: 'Không có thông tin thu hồi (CRL) để kiểm tra chứng thư số',
    action: 'Add the CA CRL to the trust store if revocation checking is required.',
  },
  SIGNER_NOT_SENDER: {
    http: 403,
    meaning: 'The signer certificate is not bound to the From organization of the package.',
    vi: 'Chứng thư số ký gói tin không thuộc cơ quan gửi',
    action:
      'Sign with the certificate registered for the sending organization, or register its thumbprint/attribute.',
  },
  // Errors thrown when loading trust material or signing.
  TRUST_STORE_INVALID: {
    http: 500,
    meaning: 'A trust store file could not be read or parsed as a certificate or CRL.',
    vi: 'Không đọc được tệp chứng thư số hoặc CRL trong kho tin cậy',
    action: 'Fix or remove the file named in the error.',
  },
  TRUST_PROFILE_DISABLED: {
    http: 500,
    meaning:
      'A trust profile directory was configured but is not enabled (its fingerprints are not confirmed).',
    vi: 'Bộ chứng thư số tin cậy chưa được xác nhận và kích hoạt',
    action:
      'Confirm every fingerprint against the official publication, then set "enabled": true in profile.json.',
  },
  TRUST_PROFILE_MISMATCH: {
    http: 500,
    meaning:
      'A file in a trust profile does not match the fingerprint its profile.json lists, or is not listed.',
    vi: 'Tệp trong bộ chứng thư số tin cậy không khớp với dấu vân tay đã khai báo',
    action: 'Restore the profile from a trusted copy; never add certificates to a profile by hand.',
  },
  SIGN_INPUT_INVALID: {
    http: 422,
    meaning:
      'The document to sign is not an edXML document that can be signed (malformed, already signed, no header).',
    vi: 'Gói tin cần ký không hợp lệ hoặc đã được ký',
    action: 'Pass an unsigned, well-formed edXML document.',
  },
  SIGN_KEY_INVALID: {
    http: 422,
    meaning: 'The signing key or certificate cannot be used (unreadable, unsupported type, or not matching).',
    vi: 'Khóa ký hoặc chứng thư số không sử dụng được',
    action: 'Pass a PKCS#8 RSA or ECDSA P-256 key and the certificate of the same key.',
  },
});

export type SignatureAreaCode = keyof typeof signatureCodes;
