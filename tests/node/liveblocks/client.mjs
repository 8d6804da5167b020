// Drives roomauth's Liveblocks endpoint with the official @liveblocks/client,
// connected to Liveblocks' own local dev server. Prints one JSON object of
// observations on stdout; the Rust test asserts on it.
//
// usage: node client.mjs <app base url> <liveblocks dev server url>
import { createClient } from "@liveblocks/client";
import WebSocket from "ws";

import { login } from "../login.mjs";

const [app, devServer] = process.argv.slice(2);
if (!app || !devServer) {
  console.error("usage: node client.mjs <app base url> <liveblocks dev server url>");
  process.exit(2);
}
const authEndpoint = `${app}/liveblocks/auth`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A Liveblocks client whose fetch sends `cookie` to the app (what a browser
 * does for a same-site auth endpoint) and counts the auth requests.
 */
function clientWith(cookie) {
  const auth = { requests: 0, statuses: [] };
  const fetchWithCookie = async (url, init = {}) => {
    const isAuth = String(url) === authEndpoint;
    const headers = new Headers(init.headers);
    if (isAuth && cookie) headers.set("cookie", cookie);
    const res = await fetch(url, { ...init, headers });
    if (isAuth) {
      auth.requests += 1;
      auth.statuses.push(res.status);
    }
    return res;
  };
  const client = createClient({
    authEndpoint,
    baseUrl: devServer,
    polyfills: { fetch: fetchWithCookie, WebSocket },
    lostConnectionTimeout: 2000,
  });
  return { client, auth };
}

/**
 * Waits until `room` is connected and knows who we are (the server's first
 * message), or fails; collects error events.
 */
async function connect(room, ms = 10000) {
  const errors = [];
  room.subscribe("error", (err) => errors.push(String(err?.message ?? err)));
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const status = room.getStatus();
    if (status === "connected" && room.getSelf() !== null) return { status, errors };
    if (errors.length > 0 && status !== "connecting" && status !== "reconnecting") {
      return { status, errors };
    }
    await sleep(50);
  }
  return { status: room.getStatus(), errors };
}

/** Waits until local storage changes have reached the server. */
async function synchronized(room, ms = 10000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (room.getStorageStatus() === "synchronized") return true;
    await sleep(50);
  }
  return false;
}

const out = {};

// alice, project-1: write access; a storage write persists on the server.
const alice = await login(app, "alice");
const value = Math.floor(Math.random() * 1e9);
{
  const { client, auth } = clientWith(alice);
  const { room, leave } = client.enterRoom("project-1", { initialPresence: { cursor: null } });
  const { status, errors } = await connect(room);
  const self = room.getSelf();
  const { root } = await room.getStorage();
  root.set("n", value);
  out["project-1"] = {
    status,
    errors,
    canWrite: self?.canWrite ?? null,
    canComment: self?.canComment ?? null,
    id: self?.id ?? null,
    info: self?.info ?? null,
    synchronized: await synchronized(room),
    authRequests: auth.requests,
  };
  leave();
  client.logout();
}
{
  // A second client sees the value: it reached Liveblocks' server.
  const { client } = clientWith(alice);
  const { room, leave } = client.enterRoom("project-1", { initialPresence: {} });
  await connect(room);
  const { root } = await room.getStorage();
  out["project-1"].persisted = root.get("n") === value;
  leave();
  client.logout();
}

// alice, project-2: read access; connected, cannot write.
{
  const { client, auth } = clientWith(alice);
  const { room, leave } = client.enterRoom("project-2", { initialPresence: {} });
  const { status, errors } = await connect(room);
  const self = room.getSelf();
  const { root } = await room.getStorage();
  let write;
  try {
    root.set("n", value);
    write = "accepted";
  } catch (err) {
    write = `refused: ${err.message}`;
  }
  out["project-2"] = {
    status,
    errors,
    canWrite: self?.canWrite ?? null,
    canComment: self?.canComment ?? null,
    write,
    authRequests: auth.requests,
  };
  leave();
  client.logout();
}

// Refused: the client must give up after the one answer (no retry loop).
async function refused(label, cookie, roomId) {
  const { client, auth } = clientWith(cookie);
  const { room, leave } = client.enterRoom(roomId, { initialPresence: {} });
  const { status, errors } = await connect(room, 5000);
  await sleep(3000); // long enough for the client's first retries
  out[label] = {
    status: room.getStatus(),
    statusAtError: status,
    errors,
    authRequests: auth.requests,
    authStatuses: auth.statuses,
  };
  leave();
  client.logout();
}
await refused("project-3", alice, "project-3");
await refused("no-session", null, "project-1");

console.log(JSON.stringify(out));
process.exit(0);
