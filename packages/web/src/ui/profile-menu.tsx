import type { Profile } from '@tweeter/shared';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

/**
 * The menu on another user's profile (a menu button, WAI-ARIA pattern): Mute / Unmute and Block / Unblock.
 * Arrow keys move between items, Escape closes and gives focus back to the button.
 */
export function ProfileMenu({
  user,
  busy,
  onChoose,
}: {
  user: Profile;
  busy: boolean;
  onChoose: (kind: 'block' | 'mute', on: boolean) => void;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const items = [
    { kind: 'mute' as const, on: !user.mutedByMe, label: `${user.mutedByMe ? 'Unmute' : 'Mute'} @${user.alias}` },
    {
      kind: 'block' as const,
      on: !user.blockedByMe,
      label: `${user.blockedByMe ? 'Unblock' : 'Block'} @${user.alias}`,
    },
  ];

  useEffect(() => {
    if (open) menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open]);

  function close() {
    setOpen(false);
    button.current?.focus();
  }

  function onKey(e: KeyboardEvent<HTMLUListElement>) {
    const all = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : all.length - 1;
      all[(at + step) % all.length]?.focus();
    }
  }

  return (
    <div className="profile-menu">
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="profile-menu-items"
        aria-label={`More actions for @${user.alias}`}
        disabled={busy}
        onClick={() => setOpen(!open)}
      >
        ⋯
      </button>
      {open && (
        <ul
          ref={menu}
          id="profile-menu-items"
          role="menu"
          aria-label={`Actions for @${user.alias}`}
          className="menu"
          onKeyDown={onKey}
          onBlur={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget)) setOpen(false);
          }}
        >
          {items.map((item) => (
            <li key={item.kind} role="none">
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                onClick={() => {
                  close();
                  onChoose(item.kind, item.on);
                }}
              >
                {item.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
