import fp from 'fastify-plugin';
import { openStore, type StoreLocation } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { createJournal, type Journal } from '../journal.js';
import type { ScimLimits } from '../scim/limits.js';
import { createUsersService, type UsersService } from '../provisioning/users-service.js';
import { createGroupsService, type GroupsService } from '../provisioning/groups-service.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    journal: Journal;
    users: UsersService;
    groups: GroupsService;
    limits: ScimLimits;
  }
}

export interface StorePluginOptions {
  location: StoreLocation;
  journalMaxEvents: number;
  journalMaxRefused: number;
  journalMaxBody: number;
  limits: ScimLimits;
}

/** The database, its repositories and the services over them; closed with the app. */
export default fp<StorePluginOptions>(
  async (app, options) => {
    const store = openStore(options.location, {
      journalMaxEvents: options.journalMaxEvents,
      journalMaxRefused: options.journalMaxRefused,
      journalMaxBody: options.journalMaxBody,
    });
    const journal = createJournal(store.events);
    app.decorate('store', store);
    app.decorate('journal', journal);
    app.decorate('limits', options.limits);
    app.decorate('users', createUsersService(store, journal, options.limits));
    app.decorate('groups', createGroupsService(store, journal, options.limits));
    // Writes are committed in groups (store.batched): no answer, of a write or of a read that may
    // have seen one, leaves before the writes made so far are committed.
    app.addHook('onSend', (_request, _reply, payload, done) => {
      const pending = store.durable();
      if (!pending) return done(null, payload);
      pending.then(() => done(null, payload), (error: Error) => done(error));
    });
    app.addHook('onClose', async () => {
      store.close(); // the open batch and the deferred journal events first
    });
  },
  { name: 'store' },
);
