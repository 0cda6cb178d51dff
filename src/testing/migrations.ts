import { describe, expect, it } from "vitest"
import { type ConformanceTarget, expectError, useFixture } from "./harness.js"

/** Migrations as any backend exposes them: status, idempotent up, down to 0 and up again. */
export function migrationsTests(target: ConformanceTarget): void {
  describe("migrations", () => {
    const fx = useFixture(target)

    it("opens at the latest version with every step recorded and checksummed", async () => {
      const { backend, store } = fx.get()
      const status = await backend.migrationStatus()
      expect(status.latest).toBeGreaterThanOrEqual(1)
      expect(status.current).toBe(status.latest)
      expect(status.applied.map((a) => a.version)).toEqual(
        Array.from({ length: status.latest }, (_, i) => i + 1),
      )
      for (const step of status.applied) {
        expect(step.name).toMatch(/\S/)
        expect(step.checksum).toMatch(/^[0-9a-f]{64}$/)
        expect(Number.isNaN(Date.parse(step.appliedAt))).toBe(false)
      }
      expect(await store.migrationStatus()).toEqual(status)
      expect(await backend.migrate()).toEqual(status)
    })

    it("refuses a target outside 0..latest with MigrationError", async () => {
      const { backend } = fx.get()
      const { latest } = await backend.migrationStatus()
      await expectError(backend.migrate(latest + 1), "MIGRATION")
      await expectError(backend.migrate(-1), "MIGRATION")
      await expectError(backend.migrate(1.5), "MIGRATION")
      expect((await backend.migrationStatus()).current).toBe(latest)
    })

    it("goes down to 0 and up again on a database holding data", async () => {
      const { backend, store } = await fx.fresh()
      const s = await store.sessions.create({ agent: "a" })
      await store.messages.appendMany(s.id, [
        { role: "user", content: "x" },
        { role: "assistant", content: "y" },
      ])
      await store.events.append({ kind: "k", sessionId: s.id })
      await store.tools.start({ tool: "t", sessionId: s.id })
      const { latest } = await backend.migrationStatus()
      for (let version = latest - 1; version >= 0; version--) {
        expect((await backend.migrate(version)).current).toBe(version)
      }
      const empty = await backend.migrationStatus()
      expect(empty).toMatchObject({ current: 0, latest, applied: [] })
      expect((await backend.migrate()).current).toBe(latest)
      const again = await store.sessions.create({ agent: "a" })
      expect(again.number).toBe(1)
      expect((await store.messages.append(again.id, { role: "user", content: "z" })).sequence).toBe(
        1,
      )
      expect(await store.events.count()).toBe(0)
      expect((await store.events.append({ kind: "k" })).kind).toBe("k")
      expect((await store.sessions.list({ total: true })).total).toBe(1)
    })

    it("lets several migrators in one process race to the same final version", async () => {
      const { backend, store } = await fx.fresh()
      await backend.migrate(0)
      const results = await Promise.all(Array.from({ length: 4 }, () => backend.migrate()))
      const { latest } = results[0] as { latest: number }
      for (const status of results) expect(status.current).toBe(latest)
      expect((await backend.migrationStatus()).applied).toHaveLength(latest)
      expect((await store.sessions.create({ agent: "a" })).number).toBe(1)
    })
  })
}
