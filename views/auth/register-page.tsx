import { Layout } from '../layout.tsx';
import { Notice } from '../notice.tsx';

export interface RegisterFormProps {
  username?: string;
  askedForAdmin?: boolean;
  /** Once an admin exists, the box is not offered (and refused if sent): the hint says so. */
  adminExists: boolean;
  error?: string;
}

export function RegisterForm({ username = '', askedForAdmin = false, adminExists, error }: RegisterFormProps) {
  return (
    <form id="register-form" method="post" action="/register" hx-post="/register" hx-target="this" hx-swap="outerHTML">
      {error && <Notice kind="error" message={error} />}
      <label>
        Username
        <input
          name="username"
          value={username}
          autocomplete="username"
          autocapitalize="none"
          required
          minlength={3}
          maxlength={32}
          pattern="[A-Za-z0-9._\-]{3,32}"
          aria-describedby="username-help"
          autofocus
        />
        <small id="username-help">3 to 32 letters, digits, dots, underscores or hyphens.</small>
      </label>
      <label>
        Password
        <input type="password" name="password" autocomplete="new-password" required minlength={8} aria-describedby="password-help" />
        <small id="password-help">At least 8 characters; any characters, no other rules.</small>
      </label>
      {/* Offered only while it can be honoured; the server refuses it afterwards all the same. */}
      {!adminExists && (
        <label>
          <input type="checkbox" name="admin" value="1" checked={askedForAdmin} aria-describedby="admin-help" />
          Administrator
        </label>
      )}
      <small id="admin-help">
        {adminExists
          ? 'Berth already has an administrator: new accounts are ordinary users, and an administrator can promote you.'
          : 'Berth has no administrator yet: the first account that asks becomes one.'}
      </small>
      <button type="submit">Register</button>
      <p>
        Already registered? <a href="/login">Log in</a>
      </p>
    </form>
  );
}

export function RegisterPage(props: RegisterFormProps) {
  return (
    <Layout title="Register" user={null}>
      <h1>Register</h1>
      <RegisterForm {...props} />
    </Layout>
  );
}
