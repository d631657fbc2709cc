// OAUTHBEARER with an OIDC identity provider (KIP-768 client credentials):
// the client fetches tokens from the token endpoint, refreshes them before
// they expire and re-authenticates its connections when the broker asks
// (KIP-368). Produces a few records and reads them back.
//
//   KAFKA_BOOTSTRAP=broker:9093 OAUTH_TOKEN_URL=https://idp/oauth2/token \
//   OAUTH_CLIENT_ID=... OAUTH_CLIENT_SECRET=... [KAFKA_CA=ca.pem] npx tsx examples/oauth.ts [topic]
import { Consumer, Producer } from '../src/index.js'

const topic = process.argv[2] ?? 'samsa-oauth-demo'
const security = {
  'bootstrap.servers': process.env.KAFKA_BOOTSTRAP ?? 'localhost:9093',
  'security.protocol': 'SASL_SSL',
  ...(process.env.KAFKA_CA ? { 'ssl.truststore.location': process.env.KAFKA_CA } : {}),
  'sasl.mechanism': 'OAUTHBEARER',
  'sasl.oauthbearer.token.endpoint.url': process.env.OAUTH_TOKEN_URL ?? 'https://idp.example.com/oauth2/token',
  'sasl.oauthbearer.client.credentials.client.id': process.env.OAUTH_CLIENT_ID ?? 'my-client',
  'sasl.oauthbearer.client.credentials.client.secret': process.env.OAUTH_CLIENT_SECRET ?? '',
  'sasl.oauthbearer.scope': process.env.OAUTH_SCOPE ?? 'kafka',
} as const

const producer = new Producer({ ...security, 'value.serializer': 'org.apache.kafka.common.serialization.StringSerializer' })
for (let i = 0; i < 3; i++) {
  const md = await producer.send({ topic, value: `hello ${i}` })
  console.log(`sent hello ${i} to partition ${md.partition} offset ${md.offset}`)
}
await producer.close()

const consumer = new Consumer({
  ...security,
  'group.id': `${topic}-reader`,
  'auto.offset.reset': 'earliest',
  'value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
})
consumer.subscribe([topic])
let read = 0
const deadline = Date.now() + 60000
while (read < 3 && Date.now() < deadline) {
  for (const r of await consumer.poll(500)) {
    console.log(`read ${r.value} from partition ${r.partition} offset ${r.offset}`)
    read++
  }
}
await consumer.close()
console.log(read >= 3 ? 'done' : 'timed out')
