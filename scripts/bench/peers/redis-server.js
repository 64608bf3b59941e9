// A throwaway redis-server for one benchmark run: a free loopback port, no
// persistence, and a wait until the nodes under test have subscribed.
'use strict';

const { freePort, startProcess, sh } = require('../lib/harness');
const { RespClient } = require('../lib/resp');

async function startRedis(pin) {
  const port = await freePort();
  const command = ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const server = await startProcess('redis', command, pin, 'Ready to accept connections');
  return { ...server, port, url: `redis://127.0.0.1:${port}` };
}

// Both kinds of node open a publishing and a PSUBSCRIBEd connection; a
// publish before both are up would be lost for the other nodes. PUBSUB
// NUMPAT counts distinct patterns since Redis 7, so count clients instead.
async function waitForNodes(redis, nodes, timeoutMs = 15000) {
  const client = await RespClient.connect(redis.port);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const list = (await client.command('CLIENT', 'LIST')).toString().split('\n').filter((l) => l.includes('id='));
      const subscribed = list.filter((l) => / psub=[1-9]/.test(l)).length;
      const others = list.length - 1;
      if (subscribed >= nodes && others >= 2 * nodes) return;
      if (Date.now() > deadline) {
        throw new Error(`${nodes} nodes did not connect to Redis within ${timeoutMs / 1000} s (${subscribed} subscribed, ${others} connections)`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    client.close();
  }
}

function redisVersion() {
  const match = /v=([\d.]+)/.exec(sh('redis-server', ['--version']));
  return match ? match[1] : 'unknown';
}

module.exports = { startRedis, waitForNodes, redisVersion };
