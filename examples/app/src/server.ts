import { LiveTSServer } from "livets";

import { Counter } from "./counter";
import { Home } from "./home";

function portFromEnv(): number {
  const text = process.env.PORT ?? "3000";
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    console.error(`PORT must be a number from 0 to 65535, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return port;
}

async function main(): Promise<void> {
  const server = new LiveTSServer({ port: portFromEnv(), host: "127.0.0.1", title: "LiveTS examples" });
  server.registerComponent("/", Home);
  server.registerComponent("/counter", Counter);

  const port = await server.listen();
  console.log(`listening on http://127.0.0.1:${port}/`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
