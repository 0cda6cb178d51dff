/**
 * The small notation docs/cli.md writes JSON shapes in, and a checker:
 * `{ a, b?, c: Shape }` (an object with exactly these keys; `?` may be absent), `Name` (a type
 * from the page's type table), `Shape[]` (an array of), `A | B` (either), and the leaves
 * `any`, `map` (an object with any keys), `string`, `number`, `boolean`.
 */
export type Shape =
  | { object: { key: string; optional: boolean; shape?: Shape }[] }
  | { array: Shape }
  | { either: Shape[] }
  | { name: string }

/** Parses one shape; throws on anything it does not understand. */
export function parseShape(text: string): Shape {
  const tokens = text.match(/[A-Za-z_][\w]*|\[\]|[{}:,?|]/g) ?? []
  let i = 0
  const peek = () => tokens[i]
  const take = (want?: string) => {
    const t = tokens[i++]
    if (t === undefined || (want !== undefined && t !== want))
      throw new Error(`shape ${JSON.stringify(text)}: expected ${want ?? "more"} at token ${i}`)
    return t
  }
  const either = (): Shape => {
    const alts = [primary()]
    while (peek() === "|") {
      take("|")
      alts.push(primary())
    }
    return alts.length === 1 ? (alts[0] as Shape) : { either: alts }
  }
  const primary = (): Shape => {
    let shape: Shape = peek() === "{" ? object() : { name: take() }
    while (peek() === "[]") {
      take("[]")
      shape = { array: shape }
    }
    return shape
  }
  const object = (): Shape => {
    take("{")
    const fields: { key: string; optional: boolean; shape?: Shape }[] = []
    while (peek() !== "}") {
      const key = take()
      const optional = peek() === "?" ? take("?") === "?" : false
      let shape: Shape | undefined
      if (peek() === ":") {
        take(":")
        shape = either()
      }
      fields.push({ key, optional, ...(shape ? { shape } : {}) })
      if (peek() === ",") take(",")
    }
    take("}")
    return { object: fields }
  }
  const shape = either()
  if (i !== tokens.length) throw new Error(`shape ${JSON.stringify(text)}: left over at ${i}`)
  return shape
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v)

/** The ways `value` differs from `shape` (empty when it fits), with JSON paths. */
export function mismatches(
  value: unknown,
  shape: Shape,
  types: Record<string, Shape>,
  path = "$",
): string[] {
  if ("either" in shape) {
    const all = shape.either.map((s) => mismatches(value, s, types, path))
    return all.some((m) => m.length === 0) ? [] : (all.flat() as string[])
  }
  if ("array" in shape) {
    if (!Array.isArray(value)) return [`${path}: not an array`]
    return value.flatMap((v, n) => mismatches(v, shape.array, types, `${path}[${n}]`))
  }
  if ("name" in shape) return leaf(value, shape.name, types, path)
  if (!isObject(value)) return [`${path}: not an object`]
  const out: string[] = []
  const known = new Set(shape.object.map((f) => f.key))
  for (const key of Object.keys(value))
    if (!known.has(key)) out.push(`${path}.${key}: not in the documented shape`)
  for (const f of shape.object) {
    if (!(f.key in value)) {
      if (!f.optional) out.push(`${path}.${f.key}: missing`)
    } else if (f.shape) out.push(...mismatches(value[f.key], f.shape, types, `${path}.${f.key}`))
  }
  return out
}

function leaf(value: unknown, name: string, types: Record<string, Shape>, path: string): string[] {
  const type = types[name]
  if (type) return mismatches(value, type, types, path)
  const ok: Record<string, (v: unknown) => boolean> = {
    any: () => true,
    map: isObject,
    string: (v) => typeof v === "string",
    number: (v) => typeof v === "number",
    boolean: (v) => typeof v === "boolean",
  }
  const check = ok[name]
  if (!check) return [`${path}: unknown type ${name}`]
  return check(value) ? [] : [`${path}: not ${name}`]
}

/** The rows of the markdown table under `heading` whose cells are code spans: [first, second]. */
export function codeTable(markdown: string, heading: string): [string, string][] {
  const start = markdown.indexOf(`\n${heading}\n`)
  if (start === -1) throw new Error(`no "${heading}" in the page`)
  const rest = markdown.slice(start + heading.length + 2)
  const section = rest.slice(
    0,
    rest.search(/\n#{2,3} /) === -1 ? undefined : rest.search(/\n#{2,3} /),
  )
  const rows: [string, string][] = []
  for (const line of section.split("\n")) {
    const m = /^\| `([^`]+)` \| `([^`]+)`/.exec(line.replaceAll("\\|", "|"))
    if (m) rows.push([m[1] as string, m[2] as string])
  }
  return rows
}
