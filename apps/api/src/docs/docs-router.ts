import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Router } from "express";
import { ApiError } from "../http/api-error.js";
import { OPENAPI_PATH } from "../openapi/openapi-document.js";
import { API_DOCS_PATH } from "../openapi/openapi-router.js";

export const DOCS_PATH = "/docs";

const ROOT = new URL("../../../../", import.meta.url);
const DOCUMENTS: Record<string, { title: string; file: string }> = {
  readme: { title: "README: quickstart, request body, configuration", file: "README.md" },
  architecture: { title: "Architecture: queues, request record, dispatcher, decisions", file: "docs/architecture.md" },
  benchmarks: { title: "Benchmarks", file: "docs/benchmarks.md" },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * The project's docs as the running server sees them, so `npm start` can print one URL for them. Read once
 * at start. The index also links the API reference (Swagger UI at /docs/api) and the OpenAPI document, which are
 * served publicly by openapi-router.ts.
 */
export function docsRouter(): Router {
  const texts = new Map<string, string>();
  for (const [name, document] of Object.entries(DOCUMENTS)) {
    try {
      texts.set(name, readFileSync(fileURLToPath(new URL(document.file, ROOT)), "utf8"));
    } catch {
      // A packaged image may ship without docs; the index simply lists fewer.
    }
  }
  const router = Router();
  router.get("/", (_request, response) => {
    const items = [...texts.keys()]
      .map((name) => `<li><a href="${DOCS_PATH}/${name}">${escapeHtml(DOCUMENTS[name]?.title ?? name)}</a></li>`)
      .join("");
    const reference =
      `<li><a href="${API_DOCS_PATH}">API reference (interactive, OpenAPI 3.1)</a></li>` +
      `<li><a href="${OPENAPI_PATH}">OpenAPI document (JSON)</a></li>`;
    response
      .type("html")
      .send(`<!doctype html><html><head><meta charset="utf-8"><title>Switchyard docs</title></head><body><h1>Switchyard docs</h1><ul>${reference}${items}</ul></body></html>`);
  });
  router.get("/:name", (request, response) => {
    const text = texts.get(request.params.name);
    if (text === undefined) throw ApiError.notFound(`no document ${JSON.stringify(request.params.name.slice(0, 64))}`);
    response.type("text/markdown; charset=utf-8").send(text);
  });
  return router;
}
