// Records what the official @liveblocks/node SDK sends to /v2/authorize-user
// for given grants, so that a test can compare roomauth's request with it.
//
// usage: node capture-node-sdk.mjs '<json: [{userId, room, permissions, userInfo?}, ...]>'
// prints: [{method, path, authorization, contentType, body}, ...] (body as sent)
import http from "node:http";
import { Liveblocks } from "@liveblocks/node";

const cases = JSON.parse(process.argv[2] ?? "[]");
const captured = [];
const server = http.createServer(async (req, res) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  captured.push({
    method: req.method,
    path: req.url,
    authorization: req.headers.authorization,
    contentType: req.headers["content-type"],
    body,
  });
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ token: "a.b." }));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const liveblocks = new Liveblocks({
  secret: "sk_localdev",
  baseUrl: `http://127.0.0.1:${server.address().port}`,
});
for (const { userId, room, permissions, userInfo } of cases) {
  const session = liveblocks.prepareSession(userId, userInfo === undefined ? {} : { userInfo });
  session.allow(room, permissions);
  const { status } = await session.authorize();
  if (status !== 200) throw new Error(`authorize: ${status}`);
}
server.close();
console.log(JSON.stringify(captured));
