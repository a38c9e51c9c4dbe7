export type NoticeKind = 'success' | 'error' | 'info';

/** A result or error message shown in the page (never an alert box). */
export function Notice({ kind, message, requestId }: { kind: NoticeKind; message: string; requestId?: string }) {
  return (
    <p class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {message}
      {requestId && <small class="request-id"> (request id {requestId})</small>}
    </p>
  );
}

/** The same notice, swapped into the page's message area out of band. */
export function OobNotice(props: { kind: NoticeKind; message: string; requestId?: string }) {
  return (
    <div id="messages" hx-swap-oob="innerHTML">
      <Notice {...props} />
    </div>
  );
}
