import { Layout } from '../layout.tsx';
import { Notice } from '../notice.tsx';

export interface LoginFormProps {
  /** What was typed, shown again after a failure (escaped like all text). */
  username?: string;
  error?: string;
}

/** The login form; htmx swaps it in place with the message on failure, and follows HX-Redirect on success. */
export function LoginForm({ username = '', error }: LoginFormProps) {
  return (
    <form id="login-form" method="post" action="/login" hx-post="/login" hx-target="this" hx-swap="outerHTML">
      {error && <Notice kind="error" message={error} />}
      <label>
        Username
        <input name="username" value={username} autocomplete="username" autocapitalize="none" required autofocus />
      </label>
      <label>
        Password
        <input type="password" name="password" autocomplete="current-password" required />
      </label>
      <button type="submit">Log in</button>
      <p>
        No account yet? <a href="/register">Register</a>
      </p>
    </form>
  );
}

export function LoginPage(props: LoginFormProps) {
  return (
    <Layout title="Log in" user={null}>
      <h1>Log in</h1>
      <LoginForm {...props} />
    </Layout>
  );
}
