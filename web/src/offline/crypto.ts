// The device key scheme of docs/offline.md, "Keys", on WebCrypto (browser and Node 20+):
//   P   = PBKDF2-SHA-256(PIN, salt, 600,000 iterations), 32 bytes
//   KEK = HKDF-SHA-256(P ‖ W, info "palermo device kek v1") -> AES-GCM 256
//   the device's ECDH P-256 private key is stored AES-GCM-sealed under KEK;
//   each stored item is sealed to the device's public key: a fresh ECDH P-256 pair per item,
//   the shared secret through HKDF-SHA-256 (info "palermo device item v1", salt = epk) to an
//   AES-GCM 256 key. Sealing needs only the public key; opening needs the private key, hence
//   the PIN and W, hence the server.

/** Bytes backed by a plain ArrayBuffer (what WebCrypto takes and structured clone gives back). */
export type Bytes = Uint8Array<ArrayBuffer>;

/** An item sealed to the device's public key. */
export interface Sealed {
  /** The ephemeral public key, raw (uncompressed point, 65 bytes). */
  epk: Bytes;
  iv: Bytes;
  data: Bytes;
}

/** The device's private key sealed under the KEK. */
export interface SealedKey {
  iv: Bytes;
  data: Bytes;
}

export interface DeviceKeys {
  /** Extractable, so that it can be sealed once; dropped after registration. */
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export const PIN_MIN_LENGTH = 6;
export const PBKDF2_ITERATIONS = 600_000;
export const WRAPPING_KEY_BYTES = 32;
const KEK_INFO = 'palermo device kek v1';
const ITEM_INFO = 'palermo device item v1';
const CURVE: EcKeyImportParams = { name: 'ECDH', namedCurve: 'P-256' };
const AES: AesKeyGenParams = { name: 'AES-GCM', length: 256 };
const IV_BYTES = 12;

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
const encoder = new TextEncoder();

export function randomBytes(n: number): Bytes {
  const out = new Uint8Array(n);
  globalThis.crypto.getRandomValues(out);
  return out;
}

function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A copy on a plain ArrayBuffer (input may be a view on a larger or shared buffer). */
function own(bytes: Uint8Array): Bytes {
  return new Uint8Array(bytes);
}

// ---- base64url (RFC 4648 §5, no padding) ----

export function toBase64url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text: string): Bytes {
  const s = text.trim();
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(s) || s.replace(/=+$/, '').length % 4 === 1) {
    throw new Error('Not base64url text.');
  }
  const b64 = s.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The wrapping key W as the server sends it (base64url), checked to be 32 bytes. */
export function wrappingKeyFrom(value: string | Uint8Array): Bytes {
  const bytes = typeof value === 'string' ? fromBase64url(value) : own(value);
  if (bytes.length !== WRAPPING_KEY_BYTES) {
    throw new Error(`The device's wrapping key must be ${WRAPPING_KEY_BYTES} bytes (it is ${bytes.length}).`);
  }
  return bytes;
}

// ---- the KEK ----

/** Throws unless the PIN is long enough (counted in characters, not bytes). */
export function checkPin(pin: string): void {
  if ([...pin].length < PIN_MIN_LENGTH) {
    throw new Error(`The PIN must be at least ${PIN_MIN_LENGTH} characters long.`);
  }
}

/** P = PBKDF2-SHA-256(PIN, salt, iterations): 32 bytes. `iterations` is lowered in tests only. */
export async function derivePinKey(pin: string, salt: Uint8Array, iterations: number = PBKDF2_ITERATIONS): Promise<Bytes> {
  checkPin(pin);
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error('PBKDF2 needs a positive whole number of iterations.');
  const material = await subtle().importKey('raw', encoder.encode(pin.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  const bits = await subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: own(salt), iterations }, material, 256);
  return new Uint8Array(bits);
}

/** KEK = HKDF-SHA-256(P ‖ W, info "palermo device kek v1"): a non-extractable AES-GCM 256 key. */
export async function deriveKek(pinBits: Uint8Array, wrappingKey: Uint8Array): Promise<CryptoKey> {
  const w = wrappingKeyFrom(wrappingKey);
  const material = await subtle().importKey('raw', concat(pinBits, w), 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(KEK_INFO) },
    material,
    AES,
    false,
    ['encrypt', 'decrypt'],
  );
}

// ---- the device key pair ----

export async function newDeviceKeys(): Promise<DeviceKeys> {
  const pair = (await subtle().generateKey(CURVE, true, ['deriveBits'])) as CryptoKeyPair;
  return { privateKey: pair.privateKey, publicKey: pair.publicKey };
}

export async function exportPublicKey(publicKey: CryptoKey): Promise<Bytes> {
  return new Uint8Array(await subtle().exportKey('raw', publicKey));
}

export async function importPublicKey(raw: Uint8Array): Promise<CryptoKey> {
  return subtle().importKey('raw', own(raw), CURVE, true, []);
}

/** AES-GCM over the private key's PKCS #8 export, under the KEK. */
export async function sealPrivateKey(kek: CryptoKey, privateKey: CryptoKey): Promise<SealedKey> {
  const pkcs8 = await subtle().exportKey('pkcs8', privateKey);
  const iv = randomBytes(IV_BYTES);
  const data = await subtle().encrypt({ name: 'AES-GCM', iv }, kek, pkcs8);
  return { iv, data: new Uint8Array(data) };
}

/** The private key, non-extractable. A wrong PIN or a wrong W rejects (AES-GCM's tag fails). */
export async function openPrivateKey(kek: CryptoKey, sealed: SealedKey): Promise<CryptoKey> {
  let pkcs8: ArrayBuffer;
  try {
    pkcs8 = await subtle().decrypt({ name: 'AES-GCM', iv: own(sealed.iv) }, kek, own(sealed.data));
  } catch {
    throw new Error('Wrong PIN, or the device key from the server does not match: the device stays locked.');
  }
  return subtle().importKey('pkcs8', pkcs8, CURVE, false, ['deriveBits']);
}

// ---- items ----

async function itemKey(privateKey: CryptoKey, publicKey: CryptoKey, epk: Bytes, usage: KeyUsage): Promise<CryptoKey> {
  const shared = await subtle().deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256);
  const material = await subtle().importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: epk, info: encoder.encode(ITEM_INFO) },
    material,
    AES,
    false,
    [usage],
  );
}

/** Seals bytes to the device's public key; every call uses a fresh ephemeral key and IV. */
export async function seal(publicKey: CryptoKey, plaintext: Uint8Array): Promise<Sealed> {
  const ephemeral = (await subtle().generateKey(CURVE, false, ['deriveBits'])) as CryptoKeyPair;
  const epk = await exportPublicKey(ephemeral.publicKey);
  const key = await itemKey(ephemeral.privateKey, publicKey, epk, 'encrypt');
  const iv = randomBytes(IV_BYTES);
  const data = await subtle().encrypt({ name: 'AES-GCM', iv }, key, own(plaintext));
  return { epk, iv, data: new Uint8Array(data) };
}

export async function open(privateKey: CryptoKey, sealed: Sealed): Promise<Bytes> {
  const epk = own(sealed.epk);
  try {
    const key = await itemKey(privateKey, await importPublicKey(epk), epk, 'decrypt');
    return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: own(sealed.iv) }, key, own(sealed.data)));
  } catch {
    throw new Error('This item cannot be opened with this device key (another device, or damaged).');
  }
}

export function sealJson(publicKey: CryptoKey, value: unknown): Promise<Sealed> {
  return seal(publicKey, encoder.encode(JSON.stringify(value)));
}

export async function openJson<T = unknown>(privateKey: CryptoKey, sealed: Sealed): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await open(privateKey, sealed))) as T;
}
