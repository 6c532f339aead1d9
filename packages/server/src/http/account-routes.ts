import type { FastifyPluginAsync } from 'fastify';
import {
  AccountInfoSchema,
  ClientHashParamsSchema,
  CreateAccountRequestSchema,
  CreateAccountResponseSchema,
  CreateClientRequestSchema,
  CreateClientResponseSchema,
  ListClientsResponseSchema,
  SignupChallengeResponseSchema,
  RegisterIdentityRequestSchema,
  RotateSecretRequestSchema,
  RotateSecretResponseSchema,
  parseInput,
} from '@omechat/protocol';
import type { Services } from '../services.js';
import { routeDoc } from './route-doc.js';
import { requirePrincipal } from './build-http-app.js';

/** DESIGN §4: accounts and clients. */
export function accountRoutes(services: Services): FastifyPluginAsync {
  return async (app) => {
    app.post(
      '/accounts',
      {
        schema: routeDoc({
          summary: 'Create an account (sign-up)',
          tags: ['accounts'],
          auth: 'none',
          body: CreateAccountRequestSchema,
          ok: { 201: CreateAccountResponseSchema },
        }),
      },
      async (req, reply) => {
        const body = parseInput(CreateAccountRequestSchema, req.body);
        const created = await services.accounts.createAccount(body, req.networkHash);
        return reply.status(201).send(created);
      },
    );

    app.post(
      '/accounts/challenge',
      {
        schema: routeDoc({
          summary: 'A sign-up challenge (proof of work) at the difficulty of the caller’s network',
          tags: ['accounts'],
          auth: 'none',
          ok: { 200: SignupChallengeResponseSchema },
        }),
      },
      async (req) => services.network.issueChallenge(req.networkHash),
    );

    app.post(
      '/clients',
      {
        schema: routeDoc({
          summary: 'Sign in: add a client (device) to an account',
          tags: ['accounts'],
          auth: 'none',
          body: CreateClientRequestSchema,
          ok: { 201: CreateClientResponseSchema },
        }),
      },
      async (req, reply) => {
        const body = parseInput(CreateClientRequestSchema, req.body);
        const created = await services.accounts.addClient(body, req.networkHash);
        return reply.status(201).send(created);
      },
    );

    // Replaces the secret (legacy accounts must, anyone may); signs out every other client.
    app.post(
      '/accounts/secret',
      {
        schema: routeDoc({
          summary: 'Replace the account secret (and identity key); signs out every other client',
          tags: ['accounts'],
          auth: 'client',
          body: RotateSecretRequestSchema,
          ok: { 200: RotateSecretResponseSchema },
        }),
      },
      async (req) => {
        const principal = await requirePrincipal(services, req, true);
        const body = parseInput(RotateSecretRequestSchema, req.body);
        return services.accounts.rotateSecret(principal, body);
      },
    );

    app.put(
      '/account/identity',
      {
        schema: routeDoc({
          summary: "Register the account's identity key (once)",
          tags: ['accounts'],
          auth: 'client',
          body: RegisterIdentityRequestSchema,
          ok: { 204: null },
        }),
      },
      async (req, reply) => {
        const principal = await requirePrincipal(services, req);
        const { identity_key } = parseInput(RegisterIdentityRequestSchema, req.body);
        await services.accounts.registerIdentity(principal, identity_key);
        return reply.status(204).send();
      },
    );

    app.get(
      '/clients',
      {
        schema: routeDoc({
          summary: 'List the clients (devices) of my account',
          tags: ['accounts'],
          auth: 'client',
          ok: { 200: ListClientsResponseSchema },
        }),
      },
      async (req) => {
        const principal = await requirePrincipal(services, req);
        return { clients: await services.accounts.listClients(principal) };
      },
    );

    app.delete(
      '/clients/:client_hash',
      {
        schema: routeDoc({
          summary: 'Revoke (sign out) one of my clients',
          tags: ['accounts'],
          auth: 'client',
          params: ClientHashParamsSchema,
          ok: { 204: null },
        }),
      },
      async (req, reply) => {
        // A rotation-only client may still sign itself out.
        const principal = await requirePrincipal(services, req, true);
        const { client_hash } = parseInput(ClientHashParamsSchema, req.params);
        await services.accounts.revokeClient(principal, client_hash);
        return reply.status(204).send();
      },
    );

    app.get(
      '/account',
      {
        schema: routeDoc({
          summary: 'My account',
          tags: ['accounts'],
          auth: 'client',
          ok: { 200: AccountInfoSchema },
        }),
      },
      async (req) => {
        // Also for a rotation-only client: the SDK reads the account before it rotates.
        const principal = await requirePrincipal(services, req, true);
        const account = await services.accounts.getAccount(principal);
        return { ...account, probation: await services.probation.isOnProbation(principal.user_hash) };
      },
    );

    app.delete(
      '/account',
      {
        schema: routeDoc({
          summary: 'Delete my account and everything of it',
          tags: ['accounts'],
          auth: 'client',
          ok: { 204: null },
        }),
      },
      async (req, reply) => {
        const principal = await requirePrincipal(services, req);
        await services.accounts.deleteAccount(principal);
        return reply.status(204).send();
      },
    );
  };
}
