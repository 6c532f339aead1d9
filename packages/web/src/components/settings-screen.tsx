import { useCallback, useEffect, useState } from 'react';
import type { OmeChatClient } from '../sdk.js';
import { errorText } from '../sdk.js';
import { ageBand, bandLabel } from '../age-rules.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { DeleteAccountDialog } from './delete-account-dialog.js';
import { Icon } from './icons.js';
import { ReplaceSecretCard } from './replace-secret-card.js';
import { NotificationSettings } from './notification-settings.js';

type Device = Awaited<ReturnType<OmeChatClient['listDevices']>>[number];

export interface SettingsScreenProps {
  client: OmeChatClient;
  notify(text: string, tone?: 'info' | 'error'): void;
  onSignedOut(reason: 'local' | 'deleted'): void;
  onSecretRotated(c: OmeChatClient, secret: string): void;
}

export function SettingsScreen({ client, notify, onSignedOut, onSecretRotated }: SettingsScreenProps) {
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [revoking, setRevoking] = useState<Device | null>(null);
  const [dialog, setDialog] = useState<null | 'signout' | 'delete'>(null);

  const load = useCallback(
    () =>
      client.listDevices().then(setDevices, (e: unknown) => {
        setDevices([]);
        notify(errorText(e), 'error');
      }),
    [client, notify],
  );
  useEffect(() => void load(), [load]);

  return (
    <div className="page settings">
      <h1 className="page-title">Settings</h1>
      <section className="card" aria-labelledby="acct-title">
        <h2 id="acct-title" className="card-title">
          Account
        </h2>
        <dl className="facts">
          <div>
            <dt>Pseudonym</dt>
            <dd data-testid="settings-username">{client.username}</dd>
          </div>
          <div>
            <dt>Age</dt>
            <dd>
              {client.age} <span className="muted">(meets people aged {bandLabel(ageBand(client.age))})</span>
            </dd>
          </div>
        </dl>
        <p className="hint">Your age is fixed. Changing it means a new account.</p>
      </section>

      <section className="card" aria-labelledby="dev-title">
        <h2 id="dev-title" className="card-title">
          <Icon name="device" /> Devices
        </h2>
        <p className="hint">
          Each device has its own keys. Revoke any you do not recognise or no longer use.
        </p>
        {devices === null ? (
          <p className="muted" role="status">
            Loading…
          </p>
        ) : (
          <ul className="devices" data-testid="device-list">
            {devices.map((d) => (
              <li key={d.client_hash} className="device" data-testid="device-item">
                <div>
                  <strong>{d.label ?? 'Unnamed device'}</strong>
                  {d.current ? <span className="tag">This device</span> : null}
                  <div className="muted small">
                    Added {new Date(d.created_at).toLocaleDateString()}
                    {d.last_seen_day ? ` · last seen ${new Date(d.last_seen_day).toLocaleDateString()}` : ''}
                  </div>
                </div>
                {d.current ? null : (
                  <button
                    type="button"
                    className="btn btn-ghost btn-small btn-danger-text"
                    onClick={() => setRevoking(d)}
                    data-testid="device-revoke"
                  >
                    Revoke
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <NotificationSettings />

      <ReplaceSecretCard client={client} onSecretRotated={onSecretRotated} />

      <section className="card" aria-labelledby="session-title">
        <h2 id="session-title" className="card-title">
          Session
        </h2>
        <div className="row-actions">
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => setDialog('signout')}
            data-testid="sign-out"
          >
            Sign out of this device
          </button>
        </div>
      </section>

      <section className="card card-danger" aria-labelledby="danger-title">
        <h2 id="danger-title" className="card-title">
          Delete account
        </h2>
        <p>Deletes your account, all your devices and every chat, for good. This cannot be undone.</p>
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => setDialog('delete')}
          data-testid="delete-account"
        >
          Delete account…
        </button>
      </section>

      {revoking ? (
        <ConfirmDialog
          title="Revoke this device?"
          description={`“${revoking.label ?? 'Unnamed device'}” will be signed out at once and its keys stop working.`}
          confirmLabel="Revoke"
          danger
          testid="confirm-revoke"
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            try {
              await client.revokeDevice(revoking.client_hash);
              notify('Device revoked.');
            } catch (e) {
              notify(errorText(e), 'error');
            }
            setRevoking(null);
            void load();
          }}
        />
      ) : null}
      {dialog === 'signout' ? (
        <ConfirmDialog
          title="Sign out?"
          description="This device’s keys are erased. To sign back in you need your pseudonym and secret."
          confirmLabel="Sign out"
          testid="confirm-sign-out"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            try {
              await client.signOut();
              onSignedOut('local');
            } catch (e) {
              notify(errorText(e), 'error');
              setDialog(null);
            }
          }}
        />
      ) : dialog === 'delete' ? (
        <DeleteAccountDialog
          username={client.username}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await client.deleteAccount();
            onSignedOut('deleted');
          }}
        />
      ) : null}
    </div>
  );
}
