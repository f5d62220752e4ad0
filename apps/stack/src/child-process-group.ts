import { spawn, type ChildProcess } from "node:child_process";

export interface ChildSpec {
  name: string;
  script: string;
  env: Record<string, string>;
}

/**
 * The stack's processes. Output goes straight to the terminal (JSON log lines carry their `service`);
 * if one exits on its own the group reports it, and `stop` ends them all: SIGTERM, then SIGKILL.
 */
export class ChildProcessGroup {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(private readonly onUnexpectedExit: (name: string, code: number | null) => void) {}

  start(spec: ChildSpec): ChildProcess {
    const child = spawn(process.execPath, [spec.script], {
      env: { ...process.env, ...spec.env },
      stdio: ["ignore", "inherit", "inherit"],
    });
    this.children.set(spec.name, child);
    child.on("exit", (code) => {
      this.children.delete(spec.name);
      if (!this.stopping) this.onUnexpectedExit(spec.name, code);
    });
    return child;
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const exits = [...this.children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill("SIGTERM");
        }),
    );
    await Promise.all(exits);
  }
}
