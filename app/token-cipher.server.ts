// Access and refresh tokens at rest: AES-256-GCM (node:crypto) under a key from
// the environment (TOKEN_ENCRYPTION_KEYS, validated at boot in env.server.ts). A
// ciphertext carries the id of the key that made it, so keys rotate: new writes use
// the first key, every listed key still decrypts, and `npm run tokens:rotate`
// re-encrypts every stored token under the first key (docs/decisions/0012).
//
//   enc:v1:{keyId}:{iv base64url}:{tag base64url}:{ciphertext base64url}
//
// A value without the prefix is a plaintext token stored before encryption: it is
// read as is and encrypted by the next write or rotation.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export interface TokenKey {
  id: string;
  key: Buffer;
}

const PREFIX = "enc:v1:";
const IV_BYTES = 12;

/** Parses "id:base64key,id2:base64key2" (first = current); each key must be 32 bytes. */
export function parseTokenKeys(spec: string): TokenKey[] {
  const keys = spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const at = part.indexOf(":");
      if (at <= 0) throw new Error(`token key "${part.slice(0, 8)}…": expected id:base64key`);
      const id = part.slice(0, at);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error(`token key id "${id}": letters, digits, - and _ only (1 to 32)`);
      const key = Buffer.from(part.slice(at + 1), "base64");
      if (key.length !== 32) throw new Error(`token key "${id}": must decode to 32 bytes (AES-256), got ${key.length}`);
      return { id, key };
    });
  if (keys.length === 0) throw new Error("no token encryption key");
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error("token key ids must be unique");
  return keys;
}

export class TokenCipher {
  constructor(private readonly keys: readonly TokenKey[]) {
    if (keys.length === 0) throw new Error("no token encryption key");
  }

  get currentKeyId(): string {
    return this.keys[0].id;
  }

  encrypt(plaintext: string): string {
    const { id, key } = this.keys[0];
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    // The key id is authenticated data: a ciphertext moved under another id fails.
    cipher.setAAD(Buffer.from(id));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return `${PREFIX}${id}:${iv.toString("base64url")}:${cipher.getAuthTag().toString("base64url")}:${body.toString("base64url")}`;
  }

  static isEncrypted(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  /** The key id of a ciphertext, null for a plaintext (legacy) value. */
  static keyIdOf(value: string): string | null {
    return TokenCipher.isEncrypted(value) ? value.slice(PREFIX.length).split(":")[0] : null;
  }

  decrypt(value: string): string {
    if (!TokenCipher.isEncrypted(value)) return value;
    const [id, iv, tag, body] = value.slice(PREFIX.length).split(":");
    const k = this.keys.find((x) => x.id === id);
    if (!k) throw new Error(`token encrypted under key "${id}", which is not in TOKEN_ENCRYPTION_KEYS`);
    const decipher = createDecipheriv("aes-256-gcm", k.key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  }
}
