/**
 * The X.509 certificates of the local CA, written as DER with the ASN.1 schemas of
 * @peculiar/asn1-x509 and signed with node:crypto (ECDSA P-256 with SHA-256). Only what the
 * local CA needs: a CA certificate and a server certificate it signs. Node's own
 * X509Certificate reads them back (and the tests check them with it), so nothing here parses.
 *
 * Why not @peculiar/x509: its dependency injection (tsyringe) needs the reflect-metadata
 * polyfill installed on the global Reflect object before it loads. The schema packages it is
 * built on need nothing global, and node:crypto already signs.
 */
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_serverAuth,
} from '@peculiar/asn1-x509';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';

export interface CertificateRequest {
  commonName: string;
  organization?: string;
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
}

export interface ServerCertificateRequest extends CertificateRequest {
  dnsNames: string[];
  ipAddresses: string[];
  /** The issuing CA: its certificate (PEM or DER) and private key. */
  issuerCertificate: string | Buffer;
  issuerKey: KeyObject;
}

function name(commonName: string, organization?: string): Name {
  const rdn = (type: string, value: string) =>
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) }),
    ]);
  return new Name([
    ...(organization === undefined ? [] : [rdn(OID_ORGANIZATION, organization)]),
    rdn(OID_COMMON_NAME, commonName),
  ]);
}

function publicKeyInfo(key: KeyObject): SubjectPublicKeyInfo {
  return AsnConvert.parse(key.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
}

/** RFC 5280 4.2.1.2, method 1: the SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: SubjectPublicKeyInfo): ArrayBuffer {
  const bits = new Uint8Array(spki.subjectPublicKey);
  return toArrayBuffer(createHash('sha1').update(bits).digest());
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** 16 random bytes, positive and without a leading zero byte (RFC 5280 4.1.2.2). */
function serialNumber(): ArrayBuffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  return toArrayBuffer(serial);
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({
    extnID,
    critical,
    extnValue: new OctetString(AsnConvert.serialize(value)),
  });
}

function signed(tbs: TBSCertificate, signingKey: KeyObject): Buffer {
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  // node:crypto signs EC keys as a DER ECDSA-Sig-Value, the form X.509 carries.
  const signature = sign('sha256', tbsDer, signingKey);
  const certificate = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    signatureValue: toArrayBuffer(signature),
  });
  return Buffer.from(AsnConvert.serialize(certificate));
}

/** A CA certificate, self-issued, for signing server certificates only (path length 0). */
export function createCaCertificate(request: CertificateRequest, privateKey: KeyObject): Buffer {
  const subject = name(request.commonName, request.organization);
  const spki = publicKeyInfo(request.publicKey);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialNumber(),
    signature: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    issuer: subject,
    validity: new Validity({ notBefore: request.notBefore, notAfter: request.notAfter }),
    subject,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions([
      extension(
        id_ce_basicConstraints,
        true,
        new BasicConstraints({ cA: true, pathLenConstraint: 0 }),
      ),
      extension(
        id_ce_keyUsage,
        true,
        new KeyUsage(
          KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature,
        ),
      ),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(spki))),
    ]),
  });
  return signed(tbs, privateKey);
}

/** A TLS server certificate for the given names, signed by the CA. */
export function createServerCertificate(request: ServerCertificateRequest): Buffer {
  const issuerDer =
    typeof request.issuerCertificate === 'string'
      ? pemBlocks(request.issuerCertificate, 'CERTIFICATE')[0]
      : request.issuerCertificate;
  if (issuerDer === undefined) throw new Error('the issuer certificate holds no certificate');
  const issuer = AsnConvert.parse(issuerDer, Certificate);
  const spki = publicKeyInfo(request.publicKey);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialNumber(),
    signature: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    // The issuer's subject exactly as encoded, so name chaining matches byte for byte.
    issuer: issuer.tbsCertificate.subject,
    validity: new Validity({ notBefore: request.notBefore, notAfter: request.notAfter }),
    subject: name(request.commonName, request.organization),
    subjectPublicKeyInfo: spki,
    extensions: new Extensions([
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
      // ECDSA keys sign the handshake; they never encipher keys.
      extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
      extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth])),
      extension(
        id_ce_subjectAltName,
        false,
        new SubjectAlternativeName([
          ...request.dnsNames.map((dNSName) => new GeneralName({ dNSName })),
          ...request.ipAddresses.map((iPAddress) => new GeneralName({ iPAddress })),
        ]),
      ),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(spki))),
      extension(
        id_ce_authorityKeyIdentifier,
        false,
        new AuthorityKeyIdentifier({
          keyIdentifier: new KeyIdentifier(
            keyIdentifier(issuer.tbsCertificate.subjectPublicKeyInfo),
          ),
        }),
      ),
    ]),
  });
  return signed(tbs, request.issuerKey);
}

export function pemEncode(der: Uint8Array, label: string): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** The DER of every PEM block with this label, in order (anything between blocks is skipped). */
export function pemBlocks(pem: string, label: string): Buffer[] {
  const out: Buffer[] = [];
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+?)-----END ${label}-----`, 'g');
  for (const m of pem.matchAll(re)) out.push(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
  return out;
}
