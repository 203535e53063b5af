import { readFile } from "node:fs/promises";
import { UsageError } from "./errors.js";

/** The password from --password-file (first line), else SPICE_PASSWORD, else the URI's. */
export async function resolvePassword(passwordFile: string | undefined, fromUri: string | undefined): Promise<string | undefined> {
  if (passwordFile !== undefined) {
    let text: string;
    try {
      text = await readFile(passwordFile, "utf8");
    } catch (e) {
      throw new UsageError(`cannot read password file ${passwordFile}: ${(e as Error).message}`);
    }
    return text.split(/\r?\n/)[0] ?? "";
  }
  return process.env.SPICE_PASSWORD ?? fromUri;
}
