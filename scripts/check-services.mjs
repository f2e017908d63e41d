#!/usr/bin/env node
// The test suite runs against a real PostgreSQL and a real Redis. This checks both answer before
// vitest starts, so a missing server is one clear line instead of hundreds of failed tests.
import { connect } from 'node:net';

const services = [
  {
    name: 'PostgreSQL',
    port: 5432,
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  },
  {
    name: 'Redis',
    port: 6379,
    start:
      'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
  },
];

function isListening(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

const missing = [];
for (const service of services) {
  if (!(await isListening(service.port))) missing.push(service);
}
if (missing.length > 0) {
  for (const service of missing) {
    console.error(
      `${service.name} is not answering on 127.0.0.1:${service.port}. Start it with:\n  ${service.start}`,
    );
  }
  console.error('See DEVELOPERS.md for details.');
  process.exit(1);
}
