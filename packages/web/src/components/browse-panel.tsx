import { useEffect, useId, useState } from 'react';
import type { OmeChatClient, PartnerInfo } from '../sdk.js';
import { errorText } from '../sdk.js';
import { saveAvailability, storedAvailability } from '../prefs.js';
import { Avatar } from './avatar.js';
import { Icon } from './icons.js';

export interface BrowsePanelProps {
  client: OmeChatClient;
  tolerance: number;
  online: boolean;
  notify(text: string, tone?: 'info' | 'error'): void;
}

/** A few random compatible people (never a directory), each with an invite button. */
export function BrowsePanel({ client, tolerance, online, notify }: BrowsePanelProps) {
  const [open, setOpen] = useState(storedAvailability);
  const [people, setPeople] = useState<PartnerInfo[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [invited, setInvited] = useState<Set<string>>(new Set());
  const switchId = useId();

  // Re-announced after every reconnect and tolerance change: the server keeps it per connection.
  useEffect(() => {
    if (!online) return;
    const t = setTimeout(() => {
      client.setAvailability(open, tolerance).catch((e: unknown) => notify(errorText(e), 'error'));
    }, 300);
    return () => clearTimeout(t);
  }, [client, open, tolerance, online, notify]);

  const load = async () => {
    setLoading(true);
    try {
      setPeople(await client.browse(tolerance, 8));
      setInvited(new Set());
    } catch (e) {
      notify(errorText(e), 'error');
    } finally {
      setLoading(false);
    }
  };

  return (
    <section className="card" aria-labelledby="browse-title">
      <h2 id="browse-title" className="card-title">
        <Icon name="users" /> Browse people
      </h2>
      <div className="switch-row">
        <label htmlFor={switchId}>
          <strong>Open to invitations</strong>
          <span className="hint">Let people who browse see you and invite you.</span>
        </label>
        <input
          id={switchId}
          type="checkbox"
          role="switch"
          className="switch"
          checked={open}
          onChange={(e) => {
            setOpen(e.target.checked);
            saveAvailability(e.target.checked);
          }}
          data-testid="availability-toggle"
        />
      </div>
      <button
        type="button"
        className="btn btn-secondary btn-block"
        onClick={load}
        disabled={loading}
        data-testid="browse-button"
      >
        {loading ? 'Looking…' : people ? 'Show others' : 'Show people'}
      </button>
      {people ? (
        people.length === 0 ? (
          <p className="muted empty" role="status">
            Nobody in your age range is open to invitations right now. Try again in a moment, or find a
            stranger.
          </p>
        ) : (
          <ul className="people" aria-label="People you can invite" data-testid="browse-list">
            {people.map((p) => (
              <li key={p.user_hash} className="person" data-testid="browse-item">
                <Avatar name={p.username} />
                <span className="person-name">
                  <strong>{p.username}</strong>
                  <span className="muted">{p.age}</span>
                </span>
                <button
                  type="button"
                  className="btn btn-primary btn-small"
                  disabled={invited.has(p.user_hash)}
                  aria-label={invited.has(p.user_hash) ? `Invited ${p.username}` : `Invite ${p.username}`}
                  data-testid="invite-button"
                  onClick={async () => {
                    try {
                      await client.invite(p.user_hash, tolerance);
                      setInvited((s) => new Set(s).add(p.user_hash));
                      notify(`Invitation sent to ${p.username}.`);
                    } catch (e) {
                      notify(errorText(e), 'error');
                    }
                  }}
                >
                  {invited.has(p.user_hash) ? 'Invited' : 'Invite'}
                </button>
              </li>
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}
