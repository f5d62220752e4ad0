import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { Redis } from "ioredis";
import { freePort } from "./free-port.js";

export interface EmbeddedRedisOptions {
  /** Folder for AOF/RDB files; created if missing. */
  dataDir: string;
  port?: number;
  /** Append-only persistence, so a restart keeps accepted jobs. */
  appendOnly?: boolean;
  /**
   * When the AOF is fsynced (default `everysec`). `always` fsyncs before each reply, so not even a machine crash
   * loses an acknowledged write; with `everysec` a machine crash may lose the last second of them (a crash of
   * redis-server alone does not: its writes are already in the OS's page cache).
   */
  appendFsync?: "always" | "everysec" | "no";
  binary?: string;
  /**
   * More `redis-server` arguments, after the defaults so they win (e.g. `["--maxmemory-policy", "allkeys-lru"]`
   * to test what Switchyard says about an unsafe Redis).
   */
  extraArgs?: readonly string[];
}

export const INSTALL_HINT = [
  "redis-server was not found on PATH. Install it, or point REDIS_URL at a running Redis:",
  "  Debian/Ubuntu: sudo apt-get install redis-server",
  "  macOS:         brew install redis",
  "  Docker:        docker compose up   (runs the whole stack, Redis included)",
].join("\n");

export function hasRedisServer(binary = "redis-server"): boolean {
  const probe = spawnSync(binary, ["--version"], { stdio: "ignore" });
  return probe.status === 0;
}

/**
 * A `redis-server` child process on a free port, for the local stack and for tests. It can be stopped,
 * killed and restarted on the same port and data folder, which the failure tests rely on.
 */
export class EmbeddedRedis {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly options: EmbeddedRedisOptions,
  ) {}

  static async start(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
    const binary = options.binary ?? "redis-server";
    if (!hasRedisServer(binary)) throw new Error(INSTALL_HINT);
    const port = options.port ?? (await freePort());
    const redis = new EmbeddedRedis(port, options);
    await redis.spawnServer();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  private async spawnServer(): Promise<void> {
    mkdirSync(this.options.dataDir, { recursive: true });
    const args = [
      "--port", String(this.port),
      "--bind", "127.0.0.1",
      "--dir", this.options.dataDir,
      "--save", "",
      "--appendonly", this.options.appendOnly === false ? "no" : "yes",
      "--appendfsync", this.options.appendFsync ?? "everysec",
      // BullMQ requires that Redis never evicts its keys.
      "--maxmemory-policy", "noeviction",
      "--daemonize", "no",
      "--loglevel", "warning",
      ...(this.options.extraArgs ?? []),
    ];
    const child = spawn(this.options.binary ?? "redis-server", args, { stdio: ["ignore", "ignore", "pipe"] });
    this.child = child;
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    await this.waitReady(() => stderr);
  }

  private async waitReady(stderr: () => string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`redis-server exited on start: ${stderr()}`);
      const client = new Redis(this.port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on("error", () => {});
      try {
        await client.connect();
        // Loading an AOF answers LOADING until done.
        if ((await client.ping()) === "PONG") return;
      } catch {
        // not ready yet
      } finally {
        client.disconnect();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server on port ${this.port} did not become ready: ${stderr()}`);
  }

  /** Stops the server; SIGKILL simulates a crash, SIGTERM a clean shutdown. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill(signal);
    });
    this.child = undefined;
  }

  /** Starts the server again on the same port and data folder. */
  async restart(): Promise<void> {
    await this.stop();
    await this.spawnServer();
  }

  async startAgain(): Promise<void> {
    if (!this.running) await this.spawnServer();
  }
}
