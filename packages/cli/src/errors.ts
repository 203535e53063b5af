/** A mistake in the command line: reported with exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** One clear line for any failure. */
export function describeError(e: unknown): string {
  if (e && typeof e === "object" && "code" in e && typeof (e as { code: unknown }).code === "string") {
    const err = e as Error & { code: string };
    return `${err.message} (${err.code})`;
  }
  return e instanceof Error ? e.message : String(e);
}
