// npm run tokens:rotate — re-encrypt every stored access and refresh token under the
// current key (the first of TOKEN_ENCRYPTION_KEYS). Rotation: put the new key first,
// keep the old one after it, run this, then drop the old one (docs/decisions/0012).
import { closeDatabase } from "../app/db-pool.server";
import { reencryptSessionTokens, tokenCipher } from "../app/models/sessions.server";

const result = await reencryptSessionTokens();
console.log(`re-encrypted ${result.reencrypted} of ${result.sessions} sessions under key "${tokenCipher().currentKeyId}"`);
await closeDatabase();
