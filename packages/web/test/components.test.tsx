// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { AppProviders } from '../src/app.js';
import { createAppServices, type AppServices } from '../src/app-services.js';
import type { WebSocketLike } from '../src/logic/stream.js';
import { LoginPage } from '../src/ui/login-page.js';
import { PostBox } from '../src/ui/post-box.js';
import { Toasts } from '../src/ui/toasts.js';
import { ADA, fakeFetch, memoryStorages, status } from './support.js';

const AUTH = { user: ADA, token: 'tok', expiresAt: '2999-01-01T00:00:00.000Z' };

// A socket that never opens: these tests are about forms, not the live stream.
const idleSocket = (): WebSocketLike => ({
  readyState: 0,
  send: () => undefined,
  close: () => undefined,
  onopen: null,
  onmessage: null,
  onclose: null,
  onerror: null,
});

function mount(ui: React.ReactNode, handler: Parameters<typeof fakeFetch>[0], signedIn = false) {
  const net = fakeFetch(handler);
  const services: AppServices = createAppServices({
    storages: memoryStorages(),
    fetch: net.fetch,
    connect: idleSocket,
  });
  if (signedIn) services.session.signIn(AUTH, false);
  render(
    <AppProviders services={services}>
      <MemoryRouter>
        {signedIn && <Toasts />}
        <Routes>
          <Route path="/feed" element={<p>Feed screen</p>} />
          <Route path="*" element={ui} />
        </Routes>
      </MemoryRouter>
    </AppProviders>,
  );
  return { net, services };
}

afterEach(() => cleanup());

describe('sign-in screen', () => {
  it('enables "Sign in" only when both fields are filled, and Enter submits', async () => {
    const { net } = mount(<LoginPage />, () => ({ status: 201, body: AUTH }));
    expect(screen.getByRole('heading', { name: 'Please Sign In' })).toBeInTheDocument();
    const button = screen.getByRole('button', { name: 'Sign in' });
    expect(button).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Alias'), { target: { value: 'ada' } });
    expect(button).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse' } });
    expect(button).toBeEnabled();
    expect(screen.getByRole('link', { name: 'Register' })).toHaveAttribute('href', '/register');
    fireEvent.submit(screen.getByLabelText('Password').closest('form')!);
    await screen.findByText('Feed screen');
    expect(net.calls[0]).toMatchObject({ method: 'POST', path: '/api/v1/sessions', body: { alias: 'ada' } });
  });

  it('shows the server message and keeps what was typed', async () => {
    mount(<LoginPage />, () => ({
      status: 401,
      body: { error: { code: 'unauthenticated', message: 'wrong alias or password' } },
    }));
    fireEvent.change(screen.getByLabelText('Alias'), { target: { value: 'ada' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Failed to log user in because of exception: wrong alias or password',
    );
    expect(screen.getByLabelText('Alias')).toHaveValue('ada');
    expect(screen.getByLabelText('Password')).toHaveValue('nope');
  });
});

describe('post box', () => {
  it('keeps both buttons off while empty; posting says "Posting status..." then "Status posted!" and clears', async () => {
    let answer: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => (answer = resolve));
    const { net } = mount(
      <PostBox />,
      async (method) => {
        if (method !== 'POST') return { status: 200, body: { state: 'done', audience: 2, delivered: 2 } };
        await gate; // the server answers once "Posting status..." has been seen
        return { status: 201, body: status('01', 'Hello world') };
      },
      true,
    );
    const box = screen.getByLabelText("What's on your mind?");
    const post = screen.getByRole('button', { name: 'Post Status' });
    const clear = screen.getByRole('button', { name: 'Clear' });
    expect(post).toBeDisabled();
    expect(clear).toBeDisabled();
    fireEvent.change(box, { target: { value: 'Hello world' } });
    expect(post).toBeEnabled();
    expect(clear).toBeEnabled();
    fireEvent.click(post);
    expect(await screen.findByText('Posting status...')).toBeInTheDocument();
    expect(box).toHaveValue('Hello world');
    answer?.();
    expect(await screen.findByText('Status posted!')).toBeInTheDocument();
    await waitFor(() => expect(box).toHaveValue(''));
    expect(await screen.findByText('Delivered to all 2 followers.')).toBeInTheDocument();
    expect(net.calls.find((c) => c.method === 'POST')?.body).toEqual({ post: 'Hello world' });
  });

  it('shows the server error and keeps the typed text', async () => {
    mount(<PostBox />, () => ({ status: 429, body: { error: { code: 'rate_limited', message: 'slow down' } } }), true);
    const box = screen.getByLabelText("What's on your mind?");
    fireEvent.change(box, { target: { value: 'Keep me' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post Status' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Failed to post the status because of exception: slow down',
    );
    expect(box).toHaveValue('Keep me');
    expect(screen.queryByText('Status posted!')).not.toBeInTheDocument();
  });

  it('Clear empties the box', async () => {
    mount(<PostBox />, () => ({ status: 500 }), true);
    const box = screen.getByLabelText("What's on your mind?");
    fireEvent.change(box, { target: { value: 'draft' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Clear' })));
    expect(box).toHaveValue('');
    expect(screen.getByRole('button', { name: 'Post Status' })).toBeDisabled();
  });
});
