import { useEffect, useRef, useState } from 'react';
import QRCode from 'qrcode';
import type { OmeChatClient } from '../sdk.js';
import { errorText } from '../sdk.js';
import { Modal } from './modal.js';

export interface SafetyNumberDialogProps {
  client: OmeChatClient;
  chatId: string;
  partner: string;
  onClose(): void;
}

/** The 60-digit safety number in 12 groups, plus a QR code drawn on a canvas (no inline script or style). */
export function SafetyNumberDialog({ client, chatId, partner, onClose }: SafetyNumberDialogProps) {
  const [sn, setSn] = useState<{ digits: string; groups: string[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    let live = true;
    client.safetyNumber(chatId).then(
      (r) => live && setSn(r),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [client, chatId]);

  useEffect(() => {
    if (!sn || !canvas.current) return;
    QRCode.toCanvas(canvas.current, sn.digits, {
      width: 200,
      margin: 2,
      errorCorrectionLevel: 'M',
      color: { dark: '#111827', light: '#ffffff' },
    }).catch(() => setError('Could not draw the QR code.'));
  }, [sn]);

  return (
    <Modal
      title="Safety number"
      description={
        <>
          Compare these numbers with {partner} over another channel, or scan each other’s code. If they match
          on both screens, nobody is listening in between.
        </>
      }
      onClose={onClose}
      testid="safety-number-dialog"
      wide
    >
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : !sn ? (
        <p className="muted" role="status">
          Computing…
        </p>
      ) : (
        <div className="safety">
          <canvas
            ref={canvas}
            className="qr"
            role="img"
            aria-label="QR code of the safety number"
            data-testid="safety-number-qr"
          />
          <p className="safety-digits" data-testid="safety-number-digits" data-digits={sn.digits}>
            {sn.groups.map((g, i) => (
              <span key={i} className="safety-group">
                {g}{' '}
              </span>
            ))}
          </p>
        </div>
      )}
      <div className="modal-actions">
        <button type="button" className="btn btn-primary" onClick={onClose} data-autofocus>
          Done
        </button>
      </div>
    </Modal>
  );
}
