// The ws baseline's way across processes, built as the core's bridge is
// (Sources/LiveTSEngine/RedisBridge.swift): one connection PSUBSCRIBEs
// "livets:*", one PUBLISHes; a message is "<node id>\n<data>" on
// "livets:t:<topic>", so a node drops its own publishes coming back and
// each message reaches every node once.
'use strict';

const crypto = require('crypto');
const { RespClient, parseRedisUrl } = require('../lib/resp');

const PATTERN = 'livets:*';
const TOPIC_PREFIX = 'livets:t:';
const NEWLINE = Buffer.from('\n');

// Resolves once subscribed. onMessage(topic, data) gets other nodes' publishes.
async function connectBridge(url, onMessage) {
  const { host, port } = parseRedisUrl(url);
  const node = Buffer.from(crypto.randomBytes(16).toString('hex'));
  const [publisher, subscriber] = await Promise.all([RespClient.connect(port, host), RespClient.connect(port, host)]);
  subscriber.onPush = ([, , channel, message]) => {
    if (message.length <= node.length || message[node.length] !== 0x0a) return;
    if (message.subarray(0, node.length).equals(node)) return;
    const name = channel.toString();
    if (!name.startsWith(TOPIC_PREFIX)) return;
    onMessage(name.slice(TOPIC_PREFIX.length), message.subarray(node.length + 1));
  };
  await subscriber.command('PSUBSCRIBE', PATTERN);
  return {
    publish(topic, data) {
      publisher.send('PUBLISH', TOPIC_PREFIX + topic, Buffer.concat([node, NEWLINE, data]));
    },
    close() {
      publisher.close();
      subscriber.close();
    },
  };
}

module.exports = { connectBridge };
