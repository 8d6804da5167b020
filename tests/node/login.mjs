// What the Node clients of tests/node/* share: logging in on the example app.

/** Logs in as `user` on the app at `app`; the session cookie, as a Cookie header. */
export async function login(app, user) {
  const res = await fetch(`${app}/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user }),
  });
  if (!res.ok) throw new Error(`login ${user}: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}
