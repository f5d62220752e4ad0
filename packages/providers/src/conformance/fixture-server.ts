import { createServer, type IncomingHttpHeaders } from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";

/** A provider answer as recorded in `__fixtures__/*.json`. A string body is sent as is, anything else as JSON. */
export interface RecordedResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export type FixtureBehaviour =
  | { kind: "respond"; response: RecordedResponse }
  /** Read the request, never answer: a provider that hangs before its headers. */
  | { kind: "hang" }
  /** Send the headers and a first chunk of body, then nothing more. */
  | { kind: "stall-body"; status: number };

export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  bodyText: string;
}

export interface FixtureServer {
  /** `http://127.0.0.1:port`; a deployment's `baseUrl` is `${url}/v1`. */
  url: string;
  behave(behaviour: FixtureBehaviour): void;
  respondWith(response: RecordedResponse): void;
  readonly requests: CapturedRequest[];
  close(): Promise<void>;
}

/** A real HTTP server that replays recorded provider answers and captures what it was sent. */
export async function startFixtureServer(): Promise<FixtureServer> {
  let behaviour: FixtureBehaviour = { kind: "hang" };
  const requests: CapturedRequest[] = [];

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push({
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        bodyText: Buffer.concat(chunks).toString("utf8"),
      });
      if (behaviour.kind === "hang") return;
      if (behaviour.kind === "stall-body") {
        response.writeHead(behaviour.status, { "content-type": "application/json" });
        response.write('{"id":"chatcmpl-stalled","choices":[');
        return;
      }
      const { status, headers = {}, body } = behaviour.response;
      const payload = typeof body === "string" ? body : JSON.stringify(body);
      response.writeHead(status, { "content-type": "application/json", ...headers });
      response.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    behave(next) {
      behaviour = next;
    },
    respondWith(response) {
      behaviour = { kind: "respond", response };
    },
    requests,
    close() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** A port nothing listens on (it was free a moment ago): connecting to it is refused. */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function loadFixture(url: URL): RecordedResponse {
  return JSON.parse(readFileSync(url, "utf8")) as RecordedResponse;
}
