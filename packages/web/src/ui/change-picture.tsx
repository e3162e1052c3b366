import { useQueryClient } from '@tanstack/react-query';
import { IMAGE_TYPES } from '@tweeter/shared';
import { useEffect, useState } from 'react';
import { changePicture } from '../logic/flows.js';
import { imageProblem } from '../logic/forms.js';
import { useServices } from './services.js';

/** On my own profile: choose a new picture, see it, upload it; every screen then shows it without a reload. */
export function ChangePicture() {
  const services = useServices();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Remounting the input clears its chosen file after an upload or a cancel.
  const [inputKey, setInputKey] = useState(0);
  const problem = file ? imageProblem(file) : null;

  useEffect(() => {
    if (!file || problem) return setPreview(null);
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file, problem]);

  function reset() {
    setFile(null);
    setInputKey((k) => k + 1);
  }

  async function upload() {
    if (!file || problem || busy) return;
    setBusy(true);
    const result = await changePicture({ api: services.api, session: services.session, notify: services.toasts }, file);
    setBusy(false);
    if (!result.ok) return;
    reset();
    // My picture is in my profile and in every status, comment, message and member row I wrote.
    void qc.invalidateQueries();
  }

  return (
    <div className="change-picture">
      <label>
        New profile picture
        <input
          key={inputKey}
          type="file"
          accept={IMAGE_TYPES.join(',')}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </label>
      {problem && <p className="field-error">{problem}</p>}
      {preview && (
        <>
          <img
            className="avatar preview"
            src={preview}
            alt="Preview of your new profile picture"
            width={72}
            height={72}
          />
          <div className="change-picture-actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void upload()}>
              {busy ? 'Uploading...' : 'Upload picture'}
            </button>
            <button type="button" disabled={busy} onClick={reset}>
              Cancel
            </button>
          </div>
        </>
      )}
    </div>
  );
}
