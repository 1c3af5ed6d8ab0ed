// Local webhook receiver for the benchmark, in its own process (so it runs on the other core): a plain node:http
// server with keep-alive that reads each request body and answers 200 at once. Listens on localhost (loopback only).
const http = require('node:http');
const server = http.createServer({ keepAlive: true }, (req, res) => {
  req.on('data', () => {});
  req.on('end', () => res.writeHead(200, { 'content-length': '0' }).end());
});
server.keepAliveTimeout = 60000;
server.listen(0, 'localhost', () => process.stdout.write(`${server.address().port}\n`));
