import { describe, expect, it } from 'vitest';
import {
  deriveKek,
  derivePinKey,
  exportPublicKey,
  fromBase64url,
  importPublicKey,
  newDeviceKeys,
  open,
  openJson,
  openPrivateKey,
  PBKDF2_ITERATIONS,
  randomBytes,
  seal,
  sealJson,
  sealPrivateKey,
  toBase64url,
  wrappingKeyFrom,
} from '../src/offline/crypto';

// Small iteration counts keep the tests fast; the default is checked once. The scheme's
// parameters are checked by deriving the same keys step by step, spelled out here.
const FAST = 1000;
const subtle = globalThis.crypto.subtle;
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array | ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');

async function pbkdf2(pin: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<string> {
  const material = await subtle.importKey('raw', bytes(pin), 'PBKDF2', false, ['deriveBits']);
  return hex(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, 256));
}

/** HKDF-SHA-256 to a raw AES key, then AES-GCM opening: the scheme's last steps by hand. */
async function hkdfOpen(secret: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>, info: string, iv: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>) {
  const material = await subtle.importKey('raw', secret, 'HKDF', false, ['deriveBits']);
  const raw = await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: bytes(info) }, material, 256);
  const key = await subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']);
  return text(new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv }, key, data)));
}

async function kekFor(pin: string, salt: Uint8Array, w: Uint8Array) {
  return deriveKek(await derivePinKey(pin, salt, FAST), w);
}

describe('base64url', () => {
  it('round trips every byte value, without padding or + and /', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const encoded = toBase64url(all);
    expect(encoded).not.toMatch(/[+/=]/);
    expect(Array.from(fromBase64url(encoded))).toEqual(Array.from(all));
    expect(toBase64url(bytes('??>'))).toBe('Pz8-');
    expect(text(fromBase64url('Pz8-'))).toBe('??>');
    expect(text(fromBase64url('YQ=='))).toBe('a');
  });

  it('refuses text that is not base64url', () => {
    expect(() => fromBase64url('ab+/')).toThrow(/base64url/);
    expect(() => fromBase64url('a')).toThrow(/base64url/);
    expect(() => fromBase64url('ab cd')).toThrow(/base64url/);
  });

  it('takes W as the server sends it: 32 bytes, base64url', () => {
    const w = randomBytes(32);
    expect(Array.from(wrappingKeyFrom(toBase64url(w)))).toEqual(Array.from(w));
    expect(() => wrappingKeyFrom(toBase64url(randomBytes(16)))).toThrow(/32 bytes/);
  });
});

describe('the PIN key', () => {
  it('refuses a PIN shorter than 6 characters, naming the rule', async () => {
    await expect(derivePinKey('12345', randomBytes(16), FAST)).rejects.toThrow(/at least 6 characters/);
    await expect(derivePinKey('', randomBytes(16), FAST)).rejects.toThrow(/at least 6 characters/);
    // Characters, not bytes: five letters of two bytes each are still too short.
    await expect(derivePinKey('əğışç', randomBytes(16), FAST)).rejects.toThrow(/at least 6 characters/);
    await expect(derivePinKey('123456', randomBytes(16), FAST)).resolves.toHaveLength(32);
  });

  it('is PBKDF2-SHA-256 with 600,000 iterations by default, 32 bytes', async () => {
    expect(PBKDF2_ITERATIONS).toBe(600_000);
    const salt = randomBytes(16);
    const fast = await derivePinKey('246810', salt, FAST);
    expect(fast).toHaveLength(32);
    expect(hex(fast)).toBe(await pbkdf2('246810', salt, FAST));
    expect(hex(await derivePinKey('246810', salt))).toBe(await pbkdf2('246810', salt, 600_000));
  }, 30_000);

  it('gives another key for another salt or PIN', async () => {
    const salt = randomBytes(16);
    const a = hex(await derivePinKey('246810', salt, FAST));
    expect(hex(await derivePinKey('246811', salt, FAST))).not.toBe(a);
    expect(hex(await derivePinKey('246810', randomBytes(16), FAST))).not.toBe(a);
  });
});

describe('the KEK', () => {
  it('is HKDF-SHA-256 over P ‖ W with info "palermo device kek v1", non-extractable AES-GCM', async () => {
    const p = randomBytes(32);
    const w = randomBytes(32);
    const kek = await deriveKek(p, w);
    expect(kek.extractable).toBe(false);
    expect(kek.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    // The same key made by hand opens what the KEK sealed.
    const iv = randomBytes(12);
    const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv }, kek, bytes('kek check')));
    const pw = new Uint8Array([...p, ...w]);
    expect(await hkdfOpen(pw, new Uint8Array(0), 'palermo device kek v1', iv, sealed)).toBe('kek check');
    await expect(hkdfOpen(pw, new Uint8Array(0), 'palermo device kek v2', iv, sealed)).rejects.toThrow();
  });

  it('refuses a W that is not 32 bytes', async () => {
    await expect(deriveKek(randomBytes(32), randomBytes(31))).rejects.toThrow(/32 bytes/);
  });
});

describe('the device key pair', () => {
  it('round trips under the KEK, and opens as a non-extractable key that opens items', async () => {
    const salt = randomBytes(16);
    const w = randomBytes(32);
    const keys = await newDeviceKeys();
    const sealedKey = await sealPrivateKey(await kekFor('135790', salt, w), keys.privateKey);
    const opened = await openPrivateKey(await kekFor('135790', salt, w), sealedKey);
    expect(opened.extractable).toBe(false);
    expect(opened.type).toBe('private');
    const item = await sealJson(keys.publicKey, { name: 'Aysel' });
    expect(await openJson(opened, item)).toEqual({ name: 'Aysel' });
  });

  it('refuses a wrong PIN and a wrong W with a clear error', async () => {
    const salt = randomBytes(16);
    const w = randomBytes(32);
    const keys = await newDeviceKeys();
    const sealedKey = await sealPrivateKey(await kekFor('135790', salt, w), keys.privateKey);
    await expect(openPrivateKey(await kekFor('135791', salt, w), sealedKey)).rejects.toThrow(/Wrong PIN/);
    await expect(openPrivateKey(await kekFor('135790', salt, randomBytes(32)), sealedKey)).rejects.toThrow(/Wrong PIN/);
  });

  it('keeps the private key sealed: its PKCS #8 bytes are not in the stored form', async () => {
    const keys = await newDeviceKeys();
    const pkcs8 = hex(await subtle.exportKey('pkcs8', keys.privateKey));
    const sealedKey = await sealPrivateKey(await kekFor('135790', randomBytes(16), randomBytes(32)), keys.privateKey);
    expect(hex(sealedKey.data)).not.toContain(pkcs8.slice(-64));
    expect(sealedKey.iv).toHaveLength(12);
  });
});

describe('items sealed to the device', () => {
  it('need only the public key to write', async () => {
    const keys = await newDeviceKeys();
    // Only the raw public bytes, as the store keeps them in clear.
    const publicOnly = await importPublicKey(await exportPublicKey(keys.publicKey));
    const sealed = await seal(publicOnly, bytes('child found at the market'));
    expect(text(await open(keys.privateKey, sealed))).toBe('child found at the market');
  });

  it('follow the scheme: ECDH with the item key, HKDF (salt epk, info "palermo device item v1"), AES-GCM', async () => {
    const keys = await newDeviceKeys();
    const sealed = await seal(keys.publicKey, bytes('scheme check'));
    expect(sealed.epk).toHaveLength(65);
    const epk = await importPublicKey(sealed.epk);
    const shared = new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: epk }, keys.privateKey, 256));
    expect(await hkdfOpen(shared, sealed.epk, 'palermo device item v1', sealed.iv, sealed.data)).toBe('scheme check');
  });

  it('differ each time for the same bytes', async () => {
    const keys = await newDeviceKeys();
    const a = await seal(keys.publicKey, bytes('same'));
    const b = await seal(keys.publicKey, bytes('same'));
    expect(hex(a.epk)).not.toBe(hex(b.epk));
    expect(hex(a.iv)).not.toBe(hex(b.iv));
    expect(hex(a.data)).not.toBe(hex(b.data));
    expect(hex(a.data)).not.toContain(hex(bytes('same')));
  });

  it('do not open with another device key, nor when changed', async () => {
    const mine = await newDeviceKeys();
    const other = await newDeviceKeys();
    const sealed = await seal(mine.publicKey, bytes('secret'));
    await expect(open(other.privateKey, sealed)).rejects.toThrow(/cannot be opened/);
    const data = new Uint8Array(sealed.data);
    data[0] = (data[0] ?? 0) ^ 1;
    await expect(open(mine.privateKey, { ...sealed, data })).rejects.toThrow(/cannot be opened/);
  });

  it('carry JSON, any language', async () => {
    const keys = await newDeviceKeys();
    const value = { name: 'Günel Əliyeva', nickname: 'Гюнель', children: [1, 2], note: null };
    expect(await openJson(keys.privateKey, await sealJson(keys.publicKey, value))).toEqual(value);
  });
});
