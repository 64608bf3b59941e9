import { LiveTSServer, html } from "livets";
import { Greeting } from "./greeting";

// A fixed secret: join tokens signed before a restart still join after it.
const server = new LiveTSServer({
  port: Number(process.env.PORT ?? 3000),
  secret: "livets-dev-fixture-secret-not-for-production",
  head: html`<link rel="stylesheet" href="/assets/app.css">`,
  assets: { prefix: "/assets/", dir: `${__dirname}/../public` },
});
server.registerComponent("/", Greeting);
server.listen().then((port) => console.log(`fixture listening on ${port}`));
