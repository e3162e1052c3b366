// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadComposer, ThreadEntry } from '../src/ui/thread.js';
import { ADA } from './support.js';

afterEach(() => cleanup());

describe('thread composer (board messages and comments)', () => {
  function mount(onSend: (text: string) => Promise<unknown>, max = 10) {
    render(
      <ThreadComposer
        id="t"
        className="comment-form"
        label="Add a comment"
        max={max}
        action="Comment"
        onSend={onSend}
      />,
    );
    return { box: screen.getByLabelText('Add a comment'), button: screen.getByRole('button', { name: 'Comment' }) };
  }

  it('sends the trimmed text only for 1 to max characters, then clears', async () => {
    const sent: string[] = [];
    const { box, button } = mount(async (text) => void sent.push(text));
    expect(button).toBeDisabled();
    fireEvent.change(box, { target: { value: '   ' } });
    expect(button).toBeDisabled();
    fireEvent.change(box, { target: { value: 'x'.repeat(11) } });
    expect(screen.getByText('-1 characters left')).toBeInTheDocument();
    expect(button).toBeDisabled();
    fireEvent.change(box, { target: { value: '  hello  ' } });
    expect(screen.getByText('5 characters left')).toBeInTheDocument();
    fireEvent.click(button);
    await waitFor(() => expect(box).toHaveValue(''));
    expect(sent).toEqual(['hello']);
  });

  it('keeps the text when sending fails', async () => {
    let attempts = 0;
    const { box, button } = mount(async () => {
      attempts++;
      throw new Error('refused');
    });
    fireEvent.change(box, { target: { value: 'keep me' } });
    fireEvent.click(button);
    await waitFor(() => expect(button).toBeEnabled());
    expect(attempts).toBe(1);
    expect(box).toHaveValue('keep me');
  });
});

describe('thread entry', () => {
  const entry = { author: ADA, createdAt: new Date().toISOString(), text: 'Stand-up at 10', deleted: false };

  it('shows author, text and a delete button only when allowed', () => {
    let deleted = 0;
    const { rerender } = render(
      <MemoryRouter>
        <ThreadEntry kind="message" entry={entry} avatarSize={40} onDelete={() => deleted++} />
      </MemoryRouter>,
    );
    const article = screen.getByRole('article', { name: 'Message by Ada Lovelace' });
    expect(article).toHaveTextContent('Stand-up at 10');
    expect(screen.getByRole('link', { name: 'Ada Lovelace' })).toHaveAttribute('href', '/users/ada');
    fireEvent.click(screen.getByRole('button', { name: 'Delete message' }));
    expect(deleted).toBe(1);
    rerender(
      <MemoryRouter>
        <ThreadEntry kind="comment" entry={entry} avatarSize={32} />
      </MemoryRouter>,
    );
    expect(screen.getByRole('article', { name: 'Comment by Ada Lovelace' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete comment' })).not.toBeInTheDocument();
  });

  it('says a deleted entry was deleted, without its text', () => {
    render(
      <MemoryRouter>
        <ThreadEntry kind="comment" entry={{ ...entry, deleted: true, text: '' }} avatarSize={32} />
      </MemoryRouter>,
    );
    expect(screen.getByText('This comment was deleted.')).toBeInTheDocument();
    expect(screen.queryByRole('article')).not.toBeInTheDocument();
  });
});
