import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

/** One webhook as the receiver saw it. */
export interface ReceivedWebhook {
  path: string;
  id: string;
  timestampSeconds: number;
  /** Whether `standardwebhooks` accepted the signature with the path's secret. */
  verified: boolean;
  /** The verified payload (undefined when verification failed). */
  payload: { type: string; timestamp: string; data: Record<string, any> } | undefined;
  /** The status this receiver answered with. */
  answered: number;
  headers: IncomingMessage["headers"];
}

async function rawBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A real webhook receiver, as a Switchyard user would write one: it verifies every delivery with the official
 * `standardwebhooks` package against the raw body (never re-serialised JSON) and answers 2xx only for a valid
 * one. Tests give each path its secret and, to exercise retries, a list of statuses to answer with first.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly secrets = new Map<string, string>();
  private readonly scripted = new Map<string, number[]>();

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(host = "127.0.0.1"): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((request, response) => {
      void receiver!.handle(request).then((status) => response.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "no"));
    });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://${host}:${port}`);
    return receiver;
  }

  /** The URL of `path` (with the secret its deliveries must verify against). */
  url(path: string, secret?: string): string {
    if (secret) this.secrets.set(path, secret);
    return `${this.baseUrl}${path}`;
  }

  setSecret(path: string, secret: string): void {
    this.secrets.set(path, secret);
  }

  /** The next deliveries to `path` get these statuses, in order; after them, 204 (if verified). */
  answerWith(path: string, ...statuses: number[]): void {
    this.scripted.set(path, [...statuses]);
  }

  on(path: string): ReceivedWebhook[] {
    return this.received.filter((webhook) => webhook.path === path);
  }

  async waitFor(path: string, count: number, timeoutMs = 15_000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.on(path).length < count) {
      if (Date.now() > deadline) throw new Error(`${path} received ${this.on(path).length} webhook(s), not ${count}, in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return this.on(path);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage): Promise<number> {
    const path = (request.url ?? "/").split("?")[0]!;
    const body = await rawBody(request);
    const secret = this.secrets.get(path);
    let payload: ReceivedWebhook["payload"];
    try {
      // The whole of a receiver's job: verify the raw body with the secret; `verify` also checks the timestamp.
      payload = secret ? (new Webhook(secret).verify(body, request.headers as Record<string, string>) as ReceivedWebhook["payload"]) : undefined;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
    }
    const answered = payload ? (this.scripted.get(path)?.shift() ?? 204) : 400;
    this.received.push({
      path,
      id: String(request.headers["webhook-id"]),
      timestampSeconds: Number(request.headers["webhook-timestamp"]),
      verified: payload !== undefined,
      payload,
      answered,
      headers: request.headers,
    });
    return answered;
  }
}
