// A consumer written with npm's amqplib, for the AMQP export tests (tests/amqp): binds a
// fresh exclusive queue to an exchange, prints "READY", then one JSON line per message
// (routing key, properties, headers, body) until it has `count` messages or `timeoutMs` passes.
// Usage: node amqp_consume.mjs <url> <exchange> <binding-key> <count> <timeoutMs>
import amqplib from 'amqplib';

const [url, exchange, bindingKey, countText, timeoutText, durableQueue] = process.argv.slice(2);
const wanted = Number(countText);
const timer = setTimeout(() => {
  console.error(`timeout after ${timeoutText} ms`);
  process.exit(2);
}, Number(timeoutText));

// 64-bit header values may arrive as BigInt or Long objects; print them as decimal text.
const plain = (value) => {
  // Typed values (timestamps) arrive as {'!': type, value}.
  if (value && typeof value === 'object' && '!' in value) return plain(value.value);
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object' && typeof value.toNumber === 'function') {
    return value.toString();
  }
  return value;
};

const connection = await amqplib.connect(url);
const channel = await connection.createChannel();
const { queue } = durableQueue
  ? await channel.assertQueue(durableQueue, { durable: true, autoDelete: false })
  : await channel.assertQueue('', { exclusive: true, autoDelete: true });
await channel.bindQueue(queue, exchange, bindingKey);
console.log('READY');
if (wanted === 0) {
  clearTimeout(timer);
  await connection.close();
  process.exit(0);
}
let seen = 0;
await channel.consume(queue, (msg) => {
  const headers = {};
  for (const [key, value] of Object.entries(msg.properties.headers ?? {})) {
    headers[key] = String(plain(value));
  }
  console.log(JSON.stringify({
    routingKey: msg.fields.routingKey,
    exchange: msg.fields.exchange,
    contentType: msg.properties.contentType ?? '',
    deliveryMode: String(msg.properties.deliveryMode ?? ''),
    timestamp: String(plain(msg.properties.timestamp) ?? ''),
    headers,
    body: msg.content.toString('utf8'),
  }));
  seen += 1;
  if (seen >= wanted) {
    clearTimeout(timer);
    channel.close().then(() => connection.close()).then(() => process.exit(0));
  }
}, { noAck: true });
