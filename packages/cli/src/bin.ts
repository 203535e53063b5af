#!/usr/bin/env node
import { run } from "./main.js";

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`saffron: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
