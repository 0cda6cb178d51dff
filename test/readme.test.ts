import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import ts from "typescript"
import { afterAll, describe, expect, it } from "vitest"

const root = join(import.meta.dirname, "..")
const scratch = mkdtempSync(join(root, "test", ".readme-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** The first fenced TypeScript block after a heading of the README. */
function readmeBlock(heading: string): string {
  const readme = readFileSync(join(root, "README.md"), "utf8")
  const section = readme.slice(readme.indexOf(`\n## ${heading}\n`))
  const match = /```ts\n([\s\S]*?)```/.exec(section)
  if (!match?.[1]) throw new Error(`no ts block under ## ${heading}`)
  return match[1]
}

describe("README", () => {
  it("library example runs as written against the built package", () => {
    const source = ts.transpileModule(readmeBlock("Library"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText
    const file = join(scratch, "example.mjs")
    writeFileSync(file, source)
    const out = execFileSync(process.execPath, [file], { cwd: scratch, encoding: "utf8" })
    expect(out).toMatch(/^2 1 end \{ input: 812, output: 64, total: 876, extra: \{\} \}/)
    const again = execFileSync(process.execPath, [file], { cwd: scratch, encoding: "utf8" })
    expect(again).toBe(out)
  })
})
