import net from 'node:net';

/**
 * A loopback port that refuses connections (nothing listens) until `delayMs` has passed, then
 * forwards to `targetPort`: a real "connection refused", which no open server can fake.
 */
export async function portThatOpensLater(targetPort: number, delayMs: number) {
	const port = await freePort();
	const sockets = new Set<net.Socket>();
	const forwarder = net.createServer((client) => {
		const upstream = net.connect(targetPort, '127.0.0.1');
		for (const socket of [client, upstream]) {
			sockets.add(socket);
			socket.on('error', () => socket.destroy());
			socket.on('close', () => sockets.delete(socket));
		}
		client.pipe(upstream).pipe(client);
	});
	const timer = setTimeout(() => forwarder.listen(port, '127.0.0.1'), delayMs);
	return {
		port,
		close: async () => {
			clearTimeout(timer);
			for (const socket of sockets) socket.destroy();
			if (forwarder.listening) await new Promise((resolve) => forwarder.close(resolve));
		},
	};
}

async function freePort(): Promise<number> {
	const probe = net.createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address() as net.AddressInfo;
	await new Promise((resolve) => probe.close(resolve));
	return port;
}
