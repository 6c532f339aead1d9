import type { FastifyPluginAsync } from 'fastify';
import {
  ClientHashParamsSchema,
  CreateAccountRequestSchema,
  CreateClientRequestSchema,
  parseInput,
} from '@omechat/protocol';
import type { Services } from '../services.js';
import { requirePrincipal } from './build-http-app.js';

/** DESIGN §4: accounts and clients. */
export function accountRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    app.post('/accounts', async (req, reply) => {
      const body = parseInput(CreateAccountRequestSchema, req.body);
      const created = await services.accounts.createAccount(body, req.networkHash);
      return reply.status(201).send(created);
    });

    app.post('/clients', async (req, reply) => {
      const body = parseInput(CreateClientRequestSchema, req.body);
      const created = await services.accounts.addClient(body, req.networkHash);
      return reply.status(201).send(created);
    });

    app.get('/clients', async (req) => {
      const principal = await requirePrincipal(services, req);
      return { clients: await services.accounts.listClients(principal) };
    });

    app.delete('/clients/:client_hash', async (req, reply) => {
      const principal = await requirePrincipal(services, req);
      const { client_hash } = parseInput(ClientHashParamsSchema, req.params);
      await services.accounts.revokeClient(principal, client_hash);
      return reply.status(204).send();
    });

    app.get('/account', async (req) => {
      const principal = await requirePrincipal(services, req);
      return services.accounts.getAccount(principal);
    });

    app.delete('/account', async (req, reply) => {
      const principal = await requirePrincipal(services, req);
      await services.accounts.deleteAccount(principal);
      return reply.status(204).send();
    });
  };
}
