import type * as Crypto from "node:crypto"
import { createRequire } from "node:module"

let loaded: typeof Crypto | undefined

/**
 * `node:crypto`, required on first use. Importing it as an ES module builds its whole namespace
 * (Web Crypto included), which costs several ms at start for code that may never hash anything.
 */
export function nodeCrypto(): typeof Crypto {
  loaded ??= createRequire(import.meta.url)("node:crypto") as typeof Crypto
  return loaded
}
