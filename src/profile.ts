/**
 * `ATHANOR_PROFILE=1`: print how long each phase of a command took to stderr
 * (load, connect, metadata, introspection, diff, render), so a slow run can
 * be explained without a profiler. Costs nothing when the variable is unset.
 *
 * Each phase shows wall time and CPU time (user + system) of this process:
 * on a busy machine the wall time mostly measures the wait for a core, the
 * CPU time what the phase itself costs; and the resident memory at its end,
 * with the peak so far.
 */
import { performance } from "node:perf_hooks";

const enabled = !!process.env.ATHANOR_PROFILE && process.env.ATHANOR_PROFILE !== "0";
let last = 0;
let lastCpu = 0;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

if (enabled) {
  process.on("exit", () => {
    const rssMb = process.resourceUsage().maxRSS / 1024;
    process.stderr.write(
      `athanor profile: total ${performance.now().toFixed(1)} ms (cpu ${cpuMs().toFixed(1)} ms), peak RSS ${rssMb.toFixed(0)} MB\n`,
    );
  });
}

/** Record that `phase` just ended (its time runs from the previous mark, or from process start). */
export function profilePhase(phase: string): void {
  if (!enabled) return;
  const now = performance.now();
  const cpu = cpuMs();
  // RSS now and the peak so far: which phase a cold run's peak memory belongs to.
  const rssMb = process.memoryUsage.rss() / 1048576;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  process.stderr.write(
    `athanor profile: ${phase} ${(now - last).toFixed(1)} ms (cpu ${(cpu - lastCpu).toFixed(1)} ms), rss ${rssMb.toFixed(0)} MB (peak ${peakMb.toFixed(0)} MB)\n`,
  );
  last = now;
  lastCpu = cpu;
}

let startupMarked = false;

/** The end of start-up (Node, the CLI): marked once, by whichever step comes first. */
export function profileStartup(): void {
  if (startupMarked) return;
  startupMarked = true;
  profilePhase("startup (node, CLI)");
}
