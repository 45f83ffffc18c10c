import * as path from "path";

/** The repository's root directory. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
