/** The selector kinds, in documentation order. */
export const SELECTOR_KINDS = ["head", "lines", "json_keys", "rows", "grep", "bytes"] as const
