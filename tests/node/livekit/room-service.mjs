// What the official livekit-server-sdk's RoomServiceClient sends for the
// calls roomauth's LiveKitRoomService makes (RemoveParticipant, and
// UpdateParticipant dropping publish rights), captured by a local HTTP
// server; and whether the SDK's TokenVerifier accepts the admin tokens of
// roomauth's requests. Driven by tests/livekit_e2e.rs.
//
//   API_KEY=.. API_SECRET=.. node room-service.mjs < roomauth-tokens.json
//
// Reads a JSON array of bearer tokens on stdin (roomauth's); prints one JSON
// line: {"sdk": [{path, contentType, body, claims}], "verified": [claims | {error}]}.
import http from 'node:http'
import { RoomServiceClient, TokenVerifier } from 'livekit-server-sdk'

const apiKey = process.env.API_KEY
const apiSecret = process.env.API_SECRET
const input = await new Promise((resolve) => {
  let text = ''
  process.stdin.on('data', (chunk) => (text += chunk))
  process.stdin.on('end', () => resolve(text))
})
const roomauthTokens = JSON.parse(input || '[]')

const seen = []
const server = http.createServer((req, res) => {
  let body = ''
  req.on('data', (chunk) => (body += chunk))
  req.on('end', () => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '')
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString() || 'null')
    seen.push({ path: req.url, contentType: req.headers['content-type'], body: JSON.parse(body), claims })
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(req.url.endsWith('UpdateParticipant') ? '{"identity":"alice"}' : '{}')
  })
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const client = new RoomServiceClient(`http://127.0.0.1:${server.address().port}`, apiKey, apiSecret)
await client.removeParticipant('project-1', 'alice')
await client.updateParticipant('project-1', 'alice', {
  permission: { canSubscribe: true, canPublish: false, canPublishData: false },
})
server.close()

const verifier = new TokenVerifier(apiKey, apiSecret)
const verified = []
for (const token of roomauthTokens) {
  try {
    verified.push(await verifier.verify(token))
  } catch (error) {
    verified.push({ error: error.code ?? String(error) })
  }
}
console.log(JSON.stringify({ sdk: seen, verified }))
