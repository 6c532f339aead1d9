import { useEffect, useRef, useState } from 'react';
import QRCode from 'qrcode';
import { IndexedDbKeyStore, OmeChatClient, errorText } from '../sdk.js';
import { deviceLabel } from '../format.js';
import { recoveryFileText } from '../recovery-file.js';
import { charKind, secretGroups } from '../secret-groups.js';
import { Icon } from './icons.js';

export interface SecretRevealProps {
  username: string;
  secret: string;
  age?: number;
  onSignedIn(c: OmeChatClient): void;
  /**
   * Set when the secret replaced an old one (a legacy account's first sign-in, or a rotation in
   * settings): this client is already signed in, and the screen says the old secret is dead.
   */
  rotatedFor?: OmeChatClient;
}

/** Shows the secret made on this device exactly once; the user must confirm they saved it. */
export function SecretReveal({ username, secret, onSignedIn, rotatedFor }: SecretRevealProps) {
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [qr, setQr] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);
  const title = useRef<HTMLHeadingElement>(null);

  // The form that led here may have been scrolled: start at this screen's title, and read it out.
  useEffect(() => {
    title.current?.scrollIntoView({ block: 'start' });
    title.current?.focus({ preventScroll: true });
  }, []);

  // Drawn locally on a canvas (no remote service, no inline script or style: the CSP stays strict).
  useEffect(() => {
    if (!qr || !canvas.current) return;
    QRCode.toCanvas(canvas.current, secret, {
      width: 220,
      margin: 2,
      errorCorrectionLevel: 'M',
      color: { dark: '#111827', light: '#ffffff' },
    }).catch(() => setError('Could not draw the QR code.'));
  }, [qr, secret]);

  // Leaving the page now would lose the secret for good.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  const download = () => {
    const blob = new Blob([recoveryFileText(username, secret)], { type: 'text/plain;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `omechat-recovery-${username.replace(/[^\w.-]+/g, '_')}.txt`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <div className="form secret-reveal">
      <h2 className="form-title" ref={title} tabIndex={-1}>
        {rotatedFor ? 'Save your new secret' : 'Save your secret'}
      </h2>
      {rotatedFor ? (
        <p data-testid="secret-rotated-note">
          Your account <strong>{username}</strong> has a new secret, made on this device. The old one no
          longer works, and your other devices were signed out. Your chat partners will see that your safety
          number changed.
        </p>
      ) : (
        <p>
          Your account <strong>{username}</strong> is ready. This secret is the only way to sign in on another
          device or after signing out.
        </p>
      )}
      <div className="warning" role="note">
        <strong>We show it only this once.</strong> There is no email and no reset: if you lose it, nobody can
        recover this account.
      </div>
      <p className="secret-label" id="secret-label">
        Your secret
      </p>
      {/* Groups of 4 with no spaces in the text, so a hand-made copy is the secret itself. */}
      <code className="secret" aria-labelledby="secret-label" data-testid="secret-display" tabIndex={0}>
        {secretGroups(secret).map((g, i) => (
          <span key={i} className="secret-group" data-testid="secret-group">
            {[...g].map((ch, j) => (
              <span key={j} className={`ch-${charKind(ch)}`}>
                {ch}
              </span>
            ))}
          </span>
        ))}
      </code>
      <p className="hint secret-legend">
        <span className="ch-digit">0 1</span> digits are coloured, <span className="ch-upper">O I</span>{' '}
        capitals are underlined, <span className="ch-lower">o l</span> small letters are plain.
      </p>
      <div className="row-actions">
        <button
          type="button"
          className="btn btn-secondary"
          data-testid="secret-copy"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(secret);
              setCopied('copied');
            } catch {
              setCopied('failed');
            }
          }}
        >
          <Icon name={copied === 'copied' ? 'check' : 'copy'} />
          {copied === 'copied' ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="btn btn-secondary" onClick={download} data-testid="secret-download">
          <Icon name="download" />
          Download recovery file
        </button>
        <button
          type="button"
          className="btn btn-secondary"
          aria-expanded={qr}
          aria-controls="secret-qr"
          onClick={() => setQr((v) => !v)}
          data-testid="secret-qr-toggle"
        >
          {qr ? 'Hide QR code' : 'Show QR code'}
        </button>
      </div>
      <div id="secret-qr" className="secret-qr" hidden={!qr}>
        <canvas
          ref={canvas}
          className="qr"
          role="img"
          aria-label="QR code of your secret"
          data-testid="secret-qr"
        />
        <p className="hint">
          Scan it with a password manager on another device. Anyone who sees it can sign in as you.
        </p>
      </div>
      <p className="hint" aria-live="polite">
        {copied === 'copied'
          ? 'Copied. Paste it into your password manager now.'
          : copied === 'failed'
            ? 'Copying was blocked by the browser. Select the secret and copy it by hand.'
            : 'A password manager is a good place for it.'}
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={saved}
          onChange={(e) => setSaved(e.target.checked)}
          data-testid="secret-saved-checkbox"
        />
        <span>I saved my secret somewhere safe.</span>
      </label>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <button
        type="button"
        className="btn btn-primary btn-block"
        disabled={!saved || busy}
        data-testid="secret-saved-confirm"
        onClick={async () => {
          if (rotatedFor) return onSignedIn(rotatedFor);
          setBusy(true);
          setError(null);
          try {
            const client = await OmeChatClient.signIn({
              baseUrl: location.origin,
              username,
              secret,
              keyStore: new IndexedDbKeyStore(),
              label: deviceLabel(),
            });
            onSignedIn(client);
          } catch (err) {
            setError(errorText(err));
            setBusy(false);
          }
        }}
      >
        {busy ? 'Setting up this device…' : 'I saved it, continue'}
      </button>
    </div>
  );
}
