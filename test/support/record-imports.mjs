// `node --import ./record-imports.mjs …` logs the modules the process loads (see import-hooks.mjs).
import { register } from "node:module"

register("./import-hooks.mjs", import.meta.url)
