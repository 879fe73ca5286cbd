// Certificates in the form the Skupper v2 router and controller use. Importing this is cheap:
// @peculiar/x509 is loaded only when a certificate is actually created.
export { createCA, type CreateCAOptions } from './ca.js';
export { issueCertificate, type IssueOptions } from './issue.js';
export { describeCertificate, verifySignedBy, type CertificateDescription, type KeyType, type PemPair } from './pem.js';
