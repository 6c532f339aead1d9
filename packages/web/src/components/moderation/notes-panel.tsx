import { useId, useState } from 'react';
import { errorText, type ModeratorApi, type Note } from '../../sdk.js';
import { fullTime } from '../../format.js';

export interface NotesPanelProps {
  api: ModeratorApi;
  target: 'reports' | 'appeals';
  id: string;
  notes: Note[];
}

/** Internal notes between moderators; users never see them. */
export function NotesPanel({ api, target, id, notes: initial }: NotesPanelProps) {
  const fid = useId();
  const [notes, setNotes] = useState(initial);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="notes">
      <h3 className="small">Internal notes</h3>
      {notes.length ? (
        <ul data-testid="notes">
          {notes.map((n) => (
            <li key={n.note_id}>
              <span className="muted small">
                {n.author}, {fullTime(n.created_at)}:
              </span>{' '}
              {n.text}
            </li>
          ))}
        </ul>
      ) : null}
      <form
        className="row-actions"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!text.trim()) return;
          try {
            const note = await api.addNote(target, id, text.trim());
            setNotes((n) => [...n, note]);
            setText('');
            setError(null);
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <label htmlFor={fid} className="sr-only">
          Add an internal note
        </label>
        <input
          id={fid}
          value={text}
          placeholder="Add an internal note"
          onChange={(e) => setText(e.target.value)}
          data-testid="note-input"
        />
        <button type="submit" className="btn btn-ghost btn-small" data-testid="note-add">
          Add note
        </button>
      </form>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
