// The ceiling of the stack for `npm run bench:query`: a bare graphql-yoga server on Node's http
// module, nothing else (no auth, limits, logging or database), answering `{ __typename }` on
// POST /graphql. Run in its own process by the benchmark, like the gateway; prints
// `{"port":N}` on stdout once it listens on 127.0.0.1 (PORT, default: any free port).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
  logging: false,
  graphiql: false,
  landingPage: false,
});
const server = createServer((req, res) => {
  void yoga(req, res);
});
server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
