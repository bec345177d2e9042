/** The namespaces and the enveloped-transform URI the signature code names, without any library. */
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const ENVELOPED_SIGNATURE_URI = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
