import type { CliCommand } from "../io.js"
import {
  artifactsDrill,
  artifactsGc,
  artifactsGet,
  artifactsList,
  artifactsPut,
} from "./artifacts.js"
import { exportCommand, importCommand } from "./bundle.js"
import { demoCommand } from "./demo.js"
import { eventsQuery, eventsSummary, eventsTail } from "./events.js"
import { gcCommand } from "./gc.js"
import { initCommand } from "./init.js"
import { messagesAppend, messagesList } from "./messages.js"
import { migrateCommand } from "./migrate.js"
import { planApply, planCancel, planDiff, planList, planStatus } from "./plan.js"
import {
  sessionsDelete,
  sessionsList,
  sessionsPin,
  sessionsRename,
  sessionsShow,
  sessionsUnpin,
} from "./sessions.js"
import { toolsList, toolsShow } from "./tools.js"

/** Every command, in the order `--help` lists them. */
export const COMMANDS: CliCommand[] = [
  initCommand,
  migrateCommand,
  sessionsList,
  sessionsShow,
  sessionsRename,
  sessionsDelete,
  sessionsPin,
  sessionsUnpin,
  messagesList,
  messagesAppend,
  eventsQuery,
  eventsSummary,
  eventsTail,
  toolsList,
  toolsShow,
  planList,
  planStatus,
  planDiff,
  planApply,
  planCancel,
  artifactsPut,
  artifactsGet,
  artifactsList,
  artifactsDrill,
  artifactsGc,
  exportCommand,
  importCommand,
  gcCommand,
  demoCommand,
]
