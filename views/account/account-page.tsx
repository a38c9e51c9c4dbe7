import { Layout, type PageUser } from '../layout.tsx';
import { Notice, type NoticeKind } from '../notice.tsx';

export interface PasswordFormProps {
  notice?: { kind: NoticeKind; message: string };
}

/** Changing your own password: the current one proves it is you; other sessions end. */
export function PasswordForm({ notice }: PasswordFormProps) {
  return (
    <form
      id="password-form"
      method="post"
      action="/account/password"
      hx-post="/account/password"
      hx-target="this"
      hx-swap="outerHTML"
    >
      {notice && <Notice kind={notice.kind} message={notice.message} />}
      <label>
        Current password
        <input type="password" name="current" autocomplete="current-password" required />
      </label>
      <label>
        New password
        <input type="password" name="password" autocomplete="new-password" required minlength={8} aria-describedby="new-password-help" />
        <small id="new-password-help">At least 8 characters; any characters, no other rules.</small>
      </label>
      <label>
        New password again
        <input type="password" name="confirm" autocomplete="new-password" required minlength={8} />
      </label>
      <button type="submit">Change password</button>
    </form>
  );
}

export function AccountPage({ user, ...props }: PasswordFormProps & { user: PageUser }) {
  return (
    <Layout title="Account" user={user}>
      <h1>Your account</h1>
      <p>
        Signed in as <strong>{user.username}</strong> ({user.role}).
      </p>
      <h2>Change password</h2>
      <p>Changing your password signs you out everywhere else.</p>
      <PasswordForm {...props} />
    </Layout>
  );
}
