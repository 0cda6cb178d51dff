import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, expect, it } from "vitest"

const root = join(import.meta.dirname, "..", "..")
const dir = mkdtempSync(join(tmpdir(), "agentstore-ai-sdk-example-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it("examples/ai-sdk-chat.mjs runs and prints what docs/adapters/ai-sdk.md shows", () => {
  const out = execFileSync(
    process.execPath,
    [join(root, "examples", "ai-sdk-chat.mjs"), `sqlite:${join(dir, "chat.db")}`],
    { cwd: root, encoding: "utf8" },
  )
  expect(out).toBe(
    [
      "disconnected; active stream: true",
      "resumed: Hello! This answer keeps streaming while the tab reloads.",
      "saved: user, assistant",
      "after the stream ended, GET answers 204",
      "",
    ].join("\n"),
  )
})
