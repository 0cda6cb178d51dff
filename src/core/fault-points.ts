/** Called at every fault point with its name. */
export type FaultHook = (point: string) => void

let hook: FaultHook | undefined

/**
 * A named point inside a multi-step write (`blob:after-rename`, `apply:write:2`…) where the
 * reliability tests kill the process or break the workspace, to prove the state after a crash
 * at that point. Does nothing unless a hook was installed with `setFaultHook`; no option and no
 * environment variable reaches it.
 */
export function faultPoint(point: string): void {
  hook?.(point)
}

/**
 * Installs the fault hook (none: removes it). For tests only: this module is not in the package's
 * `exports`, so code using `agentstore` by name cannot import it; test programs load it by path
 * from `dist/core/fault-points.js`, the same module instance the store uses.
 */
export function setFaultHook(next?: FaultHook): void {
  hook = next
}
