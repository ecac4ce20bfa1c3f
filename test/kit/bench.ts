import { spawn } from "node:child_process";
import { projectRoot } from "./gateway.js";

/** Runs `npm run <script>` as a user would, and answers its exit code and everything it printed. */
export async function runBench(
  script: string,
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawn("npm", ["run", "--silent", script], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on(
    "data",
    (chunk: Buffer) => (output += chunk.toString("utf8")),
  );
  child.stderr.on(
    "data",
    (chunk: Buffer) => (output += chunk.toString("utf8")),
  );
  const code = await new Promise<number | null>((resolve) =>
    child.once("exit", resolve),
  );
  return { code, output };
}
