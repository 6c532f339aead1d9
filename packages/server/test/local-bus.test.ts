import { BusNetwork, LocalBus } from '../src/core/cluster/local-bus.js';
import { busContract } from './bus-contract.js';

busContract('LocalBus (in-process network)', async (nodes) => {
  const network = new BusNetwork();
  const buses = Array.from({ length: nodes }, () => new LocalBus(network));
  return {
    buses,
    deadAfterMs: 0,
    kill: async (i) => network.leave(buses[i]!.nodeId),
    close: async () => {
      for (const b of buses) await b.close();
    },
  };
});
