import dns2 from "dns2";

const { Packet } = dns2;

/**
 * A real DNS server on loopback (UDP) answering TXT questions from `records` (name → values,
 * each value a list of strings), as a zone would: NXDOMAIN for a name it does not hold, an
 * empty answer for another type. Tests change `records` while it runs. `port` 0: any free one.
 */
export async function startTestDnsServer(port = 0): Promise<{ address: string; records: Map<string, string[][]>; queries: string[]; close: () => Promise<void> }> {
  const records = new Map<string, string[][]>();
  const queries: string[] = [];
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = question!.name.toLowerCase();
      queries.push(name);
      const values = records.get(name);
      if (!values) response.header.rcode = Packet.RCODE.NXDOMAIN;
      else if (question!.type === Packet.TYPE.TXT) {
        for (const value of values) response.answers.push(Packet.createResourceFromQuestion(question!, { ttl: 0, data: value }));
      }
      void send(response);
    },
  });
  const addresses = await server.listen({ udp: { port, address: "127.0.0.1" } });
  return { address: `127.0.0.1:${addresses.udp!.port}`, records, queries, close: () => server.close() };
}
