/** Every command of the CLI, in the order `athanor --help` lists them. */
import type { CommandModule } from "yargs";
import type { GlobalArgs } from "./action";
import { generateCommand } from "./generate";
import { runCommand } from "./run";
import { revertCommand } from "./revert";
import { statusCommand } from "./status";
import { createCommand } from "./create";
import { historyCommand } from "./history";
import { editCommand } from "./edit";
import { sumCommand } from "./sum";
import { rebaseCommand } from "./rebase";
import { restoreCommand } from "./restore";
import { stampCommand } from "./stamp";
import { checkCommand } from "./check";
import { verifyCommand } from "./verify";
import { showCommand } from "./show";
import { lintCommand } from "./lint";
import { diagramCommand } from "./diagram";
import { planCommand } from "./plan";
import { initCommand } from "./init";

export const COMMANDS: CommandModule<GlobalArgs, any>[] = [
  initCommand,
  generateCommand,
  runCommand,
  revertCommand,
  statusCommand,
  createCommand,
  historyCommand,
  editCommand,
  sumCommand,
  rebaseCommand,
  restoreCommand,
  stampCommand,
  checkCommand,
  verifyCommand,
  showCommand,
  lintCommand,
  diagramCommand,
  planCommand,
];
