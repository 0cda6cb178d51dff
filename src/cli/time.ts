import { ValidationError } from "../core/errors.js"
import type { CliIo } from "./io.js"

/** The zone of the process (`TZ`, else the system's), as an IANA name. */
function systemZone(): string {
  return new Intl.DateTimeFormat("en-US").resolvedOptions().timeZone ?? "UTC"
}

/**
 * The zone times are shown in: `--local` (the system's zone), else `AGENTSTORE_TZ`
 * (`local`, `UTC` or an IANA name such as `Europe/Berlin`), else UTC. An unknown zone is a
 * usage error naming the variable.
 */
export function chooseZone(env: Record<string, string | undefined>, local: boolean): string {
  if (local) return systemZone()
  const wanted = env.AGENTSTORE_TZ?.trim()
  if (wanted === undefined || wanted === "" || wanted.toUpperCase() === "UTC") return "UTC"
  if (wanted.toLowerCase() === "local") return systemZone()
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: wanted }).resolvedOptions().timeZone
  } catch {
    throw new ValidationError(
      "AGENTSTORE_TZ",
      `unknown time zone "${wanted}"; use local, UTC or an IANA name like Europe/Berlin`,
    )
  }
}

const formats = new Map<string, Intl.DateTimeFormat>()

function formatIn(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
    formats.set(zone, f)
  }
  return f
}

/** The zone of `io` (UTC unless `--local` or `AGENTSTORE_TZ` chose another). */
export function zoneOf(io: CliIo): string {
  return io.timeZone ?? "UTC"
}

/** `2026-01-05 14:03:09` in the chosen zone (see `zoneOf`), or `-`. Tables name the zone in the header. */
export function clock(io: CliIo, iso: string | null): string {
  if (iso === null) return "-"
  const zone = zoneOf(io)
  if (zone === "UTC") return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
  const p = Object.fromEntries(
    formatIn(zone)
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  )
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`
}

/** `2026-01-05 14:03:09 UTC`: a time that stands alone, with its zone. */
export function zoned(io: CliIo, iso: string | null): string {
  return iso === null ? "-" : `${clock(io, iso)} ${zoneOf(io)}`
}

/** A table header for a time column: `TIME (UTC)`. */
export function timeHeader(io: CliIo, name: string): string {
  return `${name} (${zoneOf(io)})`
}
