// Builds the web client page into apps/web-client/dist/ (index.html + main.js + session-worker.js):
// esbuild bundles of src/main.ts and of the console's session worker (@saffron/web's
// session-worker.ts, loaded by main.js as ./session-worker.js), @saffron/* from their TypeScript sources.
// Usage: node apps/web-client/build.mjs [--dev]   (--dev: no minification)
import { build } from "esbuild";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");

/**
 * fflate is evaluated on first use (src/lazy-fflate.ts): the client's import of "fflate" resolves
 * to that shim, which require()s src/fflate-unzlib.ts (the real fflate, what unzlibSync needs of
 * it), which esbuild then initialises lazily.
 */
const lazyFflate = {
  name: "lazy-fflate",
  setup(b) {
    b.onResolve({ filter: /^fflate$/ }, (args) => (args.importer.endsWith("fflate-unzlib.ts") ? undefined : { path: join(here, "src/lazy-fflate.ts") }));
  },
};

export async function buildWebClient({ minify = true } = {}) {
  await mkdir(dist, { recursive: true });
  // Chunks are content-hashed: drop the previous build's.
  await rm(join(dist, "chunks"), { recursive: true, force: true });
  const common = {
    outdir: dist,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    conditions: ["source"],
    minify,
    sourcemap: "linked",
    legalComments: "linked",
    logLevel: "warning",
    metafile: true,
    plugins: [lazyFflate],
  };
  // Two builds: the page (main.js, split so that the console's in-page fallback session, the
  // whole client core, is a chunk loaded only when there is no worker), and the session worker
  // (session-worker.js, one file, so the worker starts with a single fetch; boot.ts starts it as a
  // classic worker).
  const [page, worker, boot] = await Promise.all([
    build({ ...common, entryPoints: { main: join(here, "src/main.ts") }, splitting: true, chunkNames: "chunks/[name]-[hash]" }),
    // An IIFE (no import/export) runs as a classic worker, which starts sooner than a module one.
    // Its code is compiled whole as it loads (V8's compile hint comment), not function by function
    // as a session first runs it: a first connect then waits for no compiler.
    build({ ...common, entryPoints: { "session-worker": join(here, "../../packages/web/src/session-worker.ts") }, format: "iife", banner: { js: "//# allFunctionsCalledOnLoad" } }),
    // boot.js is a classic script in <head>: one small file, no imports.
    build({ ...common, entryPoints: { boot: join(here, "src/boot.ts") }, format: "iife" }),
  ]);
  const result = { warnings: [...page.warnings, ...worker.warnings, ...boot.warnings] };
  // boot.js goes inline into the page's <head>: it must run before anything else loads, without
  // a round trip of its own.
  const bootJs = (await readFile(join(dist, "boot.js"), "utf8")).replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n");
  const html = await readFile(join(here, "index.html"), "utf8");
  const tag = '<script src="./boot.js"></script>';
  if (!html.includes(tag)) throw new Error(`index.html has no ${tag}`);
  await writeFile(join(dist, "index.html"), html.replace(tag, () => `<script>${bootJs.trim()}</script>`));
  const size = (await stat(join(dist, "main.js"))).size;
  const workerBytes = (await stat(join(dist, "session-worker.js"))).size;
  return { dist, bytes: size, workerBytes, warnings: result.warnings.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { dist: out, bytes, workerBytes } = await buildWebClient({ minify: !process.argv.includes("--dev") });
  console.log(`web client: ${out}/main.js ${(bytes / 1024).toFixed(1)} KiB, session-worker.js ${(workerBytes / 1024).toFixed(1)} KiB`);
}
