import { createRequire } from "node:module";
import { dirname } from "node:path";
import express, { Router } from "express";
import { buildOpenApiDocument, OPENAPI_PATH } from "./openapi-document.js";

export const API_DOCS_PATH = "/docs/api";
const ASSETS_PATH = `${API_DOCS_PATH}/assets`;

/** Swagger UI's prebuilt files come from the pinned `swagger-ui-dist` package: the page works with no internet. */
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchyard API reference</title>
<link rel="icon" type="image/png" href="${ASSETS_PATH}/favicon-32x32.png">
<link rel="stylesheet" href="${ASSETS_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${ASSETS_PATH}/swagger-ui-bundle.js"></script>
<script src="${API_DOCS_PATH}/init.js"></script>
</body>
</html>
`;

// A file rather than an inline script, so the page runs under the default Content-Security-Policy (script-src 'self').
const INIT_SCRIPT = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(OPENAPI_PATH)},
    dom_id: "#swagger-ui",
    deepLinking: true,
    // The public validator badge would call out to the internet.
    validatorUrl: null,
    persistAuthorization: false,
  });
});
`;

/**
 * `GET /openapi.json` (the OpenAPI 3.1 document) and `GET /docs/api` (Swagger UI over it). Both are public: the
 * document describes the API's surface, not any tenant's data, and SDK generators and browsers fetch it without a
 * key. "Try it out" needs a key, entered through the page's Authorize button (kept in the page only).
 */
export function openApiRouter(): Router {
  const document = JSON.stringify(buildOpenApiDocument());
  const router = Router();
  router.get(OPENAPI_PATH, (_request, response) => {
    response.type("application/json").send(document);
  });
  router.get(API_DOCS_PATH, (_request, response) => {
    response.type("html").send(PAGE);
  });
  router.get(`${API_DOCS_PATH}/init.js`, (_request, response) => {
    response.type("application/javascript").send(INIT_SCRIPT);
  });
  router.use(ASSETS_PATH, express.static(SWAGGER_UI_DIR, { index: false, maxAge: "1d", fallthrough: true }));
  return router;
}
