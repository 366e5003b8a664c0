// The OpenAPI document the openapi function serves. Under `sls package` an esbuild plugin
// (scripts/serverless/esbuild-plugins.cjs) replaces this module with the document as a JSON literal, built once at
// package time from api-document.ts beside it; tests and the local TypeScript run build it here, from the same generator.
import { openApiDocument } from './api-document.js';

export const document: ReturnType<typeof openApiDocument> = openApiDocument();
