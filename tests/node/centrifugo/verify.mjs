// Verifies Centrifugo subscription tokens with jose, an independent JWT
// library, as Centrifugo does for HS256: signature with the HMAC secret key,
// `exp` in the future, and the claims Centrifugo requires (`channel`, `sub`).
// Reads `{"secret": "...", "tokens": ["..."]}` on standard input; prints one
// JSON array: `{"payload": {...}}` or `{"error": "<jose error code>"}` per token.
import { jwtVerify } from 'jose'

let input = ''
for await (const chunk of process.stdin) input += chunk
const { secret, tokens } = JSON.parse(input)
const key = new TextEncoder().encode(secret)

const results = []
for (const token of tokens) {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      requiredClaims: ['channel', 'sub', 'exp'],
    })
    results.push({ payload, header: protectedHeader })
  } catch (error) {
    results.push({ error: error.code ?? error.name })
  }
}
console.log(JSON.stringify(results))
