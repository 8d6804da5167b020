// What the official `pusher` server SDK sends for terminateUserConnections,
// captured by a local HTTP server: the reference that roomauth's
// PusherApi is checked against (tests/revoke_e2e.rs).
//
//   APP_ID=app-id APP_KEY=app-key APP_SECRET=app-secret USER_ID=alice \
//   TIMESTAMP=1700000000 node terminate.js
//
// Prints one JSON line: {"method", "url", "body", "contentType"}.
const http = require('node:http')
const Pusher = require('pusher')

const timestamp = Number(process.env.TIMESTAMP)
if (!Number.isInteger(timestamp)) throw new Error('set TIMESTAMP (seconds)')
// The SDK reads the clock once per request: fix it.
Date.now = () => timestamp * 1000

const server = http.createServer((req, res) => {
  let body = ''
  req.on('data', (chunk) => (body += chunk))
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"ok":true}')
    console.log(JSON.stringify({
      method: req.method,
      url: req.url,
      body,
      contentType: req.headers['content-type'],
    }))
    server.close()
  })
})
server.listen(0, '127.0.0.1', async () => {
  const pusher = new Pusher({
    appId: process.env.APP_ID,
    key: process.env.APP_KEY,
    secret: process.env.APP_SECRET,
    host: '127.0.0.1',
    port: String(server.address().port),
    useTLS: false,
  })
  await pusher.terminateUserConnections(process.env.USER_ID)
})
