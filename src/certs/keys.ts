import { createPrivateKey, generateKeyPair, webcrypto, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { KeyType } from './pem.js';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface GeneratedKey {
  /** RSA as PKCS#1 ("RSA PRIVATE KEY", like upstream), ECDSA as SEC1 ("EC PRIVATE KEY"); both read by Go and OpenSSL. */
  privateKeyPem: string;
  /** DER SubjectPublicKeyInfo, which @peculiar/x509 accepts directly as the certificate's public key. */
  spki: Buffer;
}

/** Generates a key pair with node's native (threadpool) generator, so RSA key generation does not block the event loop. */
export async function generateKey(keyType: KeyType): Promise<GeneratedKey> {
  const publicKeyEncoding = { type: 'spki', format: 'der' } as const;
  if (keyType === 'rsa') {
    const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
      modulusLength: 2048,
      publicExponent: 0x10001,
      publicKeyEncoding,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    return { privateKeyPem: privateKey, spki: publicKey };
  }
  if (keyType === 'ecdsa') {
    const { privateKey, publicKey } = await generateKeyPairAsync('ec', {
      namedCurve: 'prime256v1',
      publicKeyEncoding,
      privateKeyEncoding: { type: 'sec1', format: 'pem' },
    });
    return { privateKeyPem: privateKey, spki: publicKey };
  }
  throw new TypeError(`unsupported key type: ${String(keyType)}`);
}

export interface SigningKey {
  key: webcrypto.CryptoKey;
  /** Passed to @peculiar/x509 so the signature hash matches the key (SHA-384 for P-384). */
  signingAlgorithm: { name: string; hash: string };
}

/** WebCrypto parameters per OpenSSL curve name; only the NIST curves Go and OpenSSL routers both accept. */
const EC_CURVES: Record<string, { namedCurve: string; hash: string }> = {
  prime256v1: { namedCurve: 'P-256', hash: 'SHA-256' },
  secp384r1: { namedCurve: 'P-384', hash: 'SHA-384' },
};

/**
 * Imports a PEM private key (RSA PKCS#1/PKCS#8, EC SEC1/PKCS#8) for signing. WebCrypto only imports
 * PKCS#8, so node's parser, which understands every PEM flavour, converts it first.
 */
export async function importSigningKey(pem: string): Promise<SigningKey> {
  const keyObject = createPrivateKey(pem);
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const { importParams, signingAlgorithm } = algorithmFor(keyObject);
  const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, importParams, false, ['sign']);
  return { key, signingAlgorithm };
}

function algorithmFor(keyObject: KeyObject): {
  importParams: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams;
  signingAlgorithm: { name: string; hash: string };
} {
  if (keyObject.asymmetricKeyType === 'rsa') {
    const name = 'RSASSA-PKCS1-v1_5';
    return { importParams: { name, hash: 'SHA-256' }, signingAlgorithm: { name, hash: 'SHA-256' } };
  }
  if (keyObject.asymmetricKeyType === 'ec') {
    const curve = EC_CURVES[keyObject.asymmetricKeyDetails?.namedCurve ?? ''];
    if (curve === undefined) {
      throw new TypeError(`unsupported EC curve: ${keyObject.asymmetricKeyDetails?.namedCurve ?? 'unknown'}`);
    }
    return {
      importParams: { name: 'ECDSA', namedCurve: curve.namedCurve },
      signingAlgorithm: { name: 'ECDSA', hash: curve.hash },
    };
  }
  throw new TypeError(`unsupported CA key type: ${keyObject.asymmetricKeyType ?? 'unknown'}`);
}
