// The browser client for the web e2e tests: apps/web-client built (esbuild), its dist/ served
// over HTTP on 127.0.0.1, and headless Chromium (testkit's launchChromium) to open it in.
import type { BrowserContext } from "playwright-core";
import { launchChromium, serveDirectory, type ChromiumOptions } from "@saffron/testkit";
// @ts-expect-error plain JS build script, no types
import { buildWebClient } from "../apps/web-client/build.mjs";

export interface WebClientBrowser {
  /** Where the page is served: `${origin}/?url=ws://...` opens it. */
  readonly origin: string;
  readonly context: BrowserContext;
  /** Closes the browser (removing its profile), then the HTTP server. */
  close(): Promise<void>;
}

/** Builds and serves the web client page and launches Chromium (`options`: viewport, permissions...). */
export async function startWebClientBrowser(options: ChromiumOptions = {}): Promise<WebClientBrowser> {
  const { dist } = (await buildWebClient()) as { dist: string };
  const web = await serveDirectory(dist);
  const chromium = await launchChromium(options).catch(async (e: unknown) => {
    await web.close();
    throw e;
  });
  return {
    origin: web.origin,
    context: chromium.context,
    close: async () => {
      await chromium.close();
      await web.close();
    },
  };
}
