import { parse } from 'csv-parse/sync';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../../db/schema.ts';
import { auditRecordsOf, recordAuditEvent } from '../support/audit-records.ts';
import { createSignedInUser, createTestApp } from '../support/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../support/database.ts';
import { createRestrictedAccount } from '../support/restricted-account.ts';

let db: TestDatabase;
type Person = Awaited<ReturnType<typeof createSignedInUser>>;
let admin: Person;
let alice: Person;
let bob: Person;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const t0 = Date.UTC(2026, 2, 10, 12, 0, 0);
const minute = 60_000;

beforeEach(async () => {
  await truncateAll(db);
  admin = await createSignedInUser(db, 'root_admin', 'admin');
  alice = await createSignedInUser(db, 'alice');
  bob = await createSignedInUser(db, 'bob');
});

function byUser(person: Person) {
  return { actorType: 'user' as const, actorId: person.id, actorName: person.username };
}

/** A small trail: ids in time order, one record per minute from t0. */
async function seed(): Promise<Record<string, number>> {
  const local = { hostId: 1, hostName: 'local' };
  const rows = {
    aliceStart: { ...byUser(alice), ...local, action: 'container.start', targetKind: 'container', targetName: 'web', targetId: 'c0ffee' },
    bobPull: { ...byUser(bob), ...local, action: 'image.pull', targetKind: 'image', targetName: 'busybox:latest' },
    aliceDenied: { ...byUser(alice), hostId: 2, hostName: 'edge', action: 'container.kill', outcome: 'denied' as const, targetKind: 'container', targetName: 'db' },
    failedLogin: { actorType: 'user' as const, actorId: null, actorName: 'alice', action: 'user.login', outcome: 'failure' as const, clientIp: '198.51.100.7' },
    underscore: { ...byUser(alice), action: 'containerXstart', message: 'Not a container.* action.' },
    bobStop: { ...byUser(bob), ...local, action: 'container.stop', outcome: 'failure' as const, targetKind: 'container', targetName: 'api' },
  };
  const ids: Record<string, number> = {};
  let i = 0;
  for (const [name, fields] of Object.entries(rows)) {
    ids[name] = await recordAuditEvent(db.db, { at: new Date(t0 + i++ * minute), message: `${name} happened.`, ...fields });
  }
  return ids;
}

/** Record ids shown on a page, in order. */
function shownIds(html: string): number[] {
  return [...html.matchAll(/data-audit-id="(\d+)"/g)].map((m) => Number(m[1]));
}

async function page(path: string, who: Person, htmx = false) {
  const { request } = await createTestApp({ db });
  const res = await request(path, { cookie: who.cookie, htmx });
  return { res, html: await res.text() };
}

describe('the audit page', () => {
  it('shows an admin every record, newest first, with times in UTC', async () => {
    const ids = await seed();
    const { res, html } = await page('/audit', admin);
    expect(res.status).toBe(200);
    expect(shownIds(html)).toEqual(Object.values(ids).reverse());
    expect(html).toContain('2026-03-10 12:00:00.000');
    // A name tried at the login form is shown as such, never as the system's.
    const failedRow = html.slice(html.indexOf(`data-audit-id="${ids.failedLogin}"`));
    expect(failedRow.slice(0, failedRow.indexOf('</tr>'))).toMatch(/alice\s*<small> \(not signed in\)<\/small>/);
    expect(html).toContain('Time (UTC)');
    expect(html).toContain('From (UTC)');
  });

  it('shows a user their own records only, and no user filter', async () => {
    const ids = await seed();
    const { html } = await page('/audit', alice);
    expect(shownIds(html)).toEqual([ids.underscore, ids.aliceDenied, ids.aliceStart]);
    // The failed login carries alice's name but was not made by her account.
    expect(shownIds(html)).not.toContain(ids.failedLogin);
    expect(html).not.toContain('name="user"');
  });

  it("shows a user nothing of someone else's when asked, and records the attempt as denied", async () => {
    const ids = await seed();
    const { res, html } = await page('/audit?user=bob', alice);
    expect(res.status).toBe(200);
    expect(shownIds(html)).toEqual([]);
    expect(shownIds(html)).not.toContain(ids.bobPull);
    expect(html).toContain('none of bob&#39;s are shown');
    expect(await auditRecordsOf(db.db, res)).toMatchObject([
      { action: 'audit.view', outcome: 'denied', actorName: 'alice', targetKind: 'user', targetName: 'bob' },
    ]);
    // Naming oneself is no attempt at all.
    const [deniedView] = await auditRecordsOf(db.db, res);
    const own = await page('/audit?user=alice', alice);
    expect(shownIds(own.html)).toEqual([deniedView!.id, ids.underscore, ids.aliceDenied, ids.aliceStart]);
    expect(await auditRecordsOf(db.db, own.res)).toEqual([]);
  });

  it.each([
    ['user', '/audit?user=bob', ['bobStop', 'bobPull']],
    ['action prefix', '/audit?action=container.', ['bobStop', 'aliceDenied', 'aliceStart']],
    ['action prefix with LIKE wildcards taken literally', '/audit?action=container_', []],
    ['outcome', '/audit?outcome=failure', ['bobStop', 'failedLogin']],
    ['host', '/audit?host=edge', ['aliceDenied']],
    ['from (inclusive)', '/audit?from=2026-03-10T12:03', ['bobStop', 'underscore', 'failedLogin']],
    ['to (the whole minute)', '/audit?to=2026-03-10T12:01', ['bobPull', 'aliceStart']],
    ['to with seconds', '/audit?to=2026-03-10T12:01:00', ['bobPull', 'aliceStart']],
    ['from and to together with others', '/audit?from=2026-03-10T12:01&to=2026-03-10T12:05&action=container.&outcome=failure', ['bobStop']],
    ['empty fields (as the form sends them)', '/audit?user=&action=&outcome=&host=&from=&to=', ['bobStop', 'underscore', 'failedLogin', 'aliceDenied', 'bobPull', 'aliceStart']],
  ])('filters by %s', async (_, path, expected) => {
    const ids = await seed();
    const { html } = await page(path, admin);
    expect(shownIds(html)).toEqual(expected.map((name) => ids[name]));
  });

  it('refuses malformed filters with a 400 and a sentence, as a notice for htmx', async () => {
    for (const [path, message] of [
      ['/audit?outcome=maybe', 'Outcome must be one of success, failure, denied'],
      ['/audit?from=yesterday', 'From must be a date and time'],
      ['/audit?to=2026-02-30T10:00', 'is not a real date and time'],
      ['/audit?from=2026-03-10T13:00&to=2026-03-10T12:00', 'From must be earlier than To'],
      ['/audit?before=abc', 'must be a record id'],
      [`/audit?action=${'x'.repeat(65)}`, 'Action is at most 64 characters'],
    ]) {
      const { res, html } = await page(path!, admin);
      expect(res.status, path).toBe(400);
      expect(html, path).toContain(message);
      const htmx = await page(path!, admin, true);
      expect(htmx.res.status).toBe(400);
      expect(htmx.res.headers.get('hx-retarget')).toBe('#messages');
    }
  });

  it('pages by id with an Older link that keeps the filters, without gaps or repeats', async () => {
    const written: number[] = [];
    for (let i = 0; i < 120; i++) {
      written.push(await recordAuditEvent(db.db, { ...byUser(alice), action: i % 2 ? 'container.start' : 'image.pull', at: new Date(t0 + i * 1000) }));
    }
    const expected = written.filter((_, i) => i % 2 === 1).reverse(); // 60 container.start, newest first
    const seen: number[] = [];
    let path: string | null = '/audit?action=container.';
    let pages = 0;
    while (path) {
      const { html } = await page(path, admin);
      seen.push(...shownIds(html));
      pages++;
      const older = /<a href="([^"]+)"[^>]*>Older<\/a>/.exec(html);
      path = older ? older[1]!.replaceAll('&amp;', '&') : null;
      if (path) {
        expect(path).toMatch(/^\/audit\?action=container\.&before=\d+$/);
        expect(html).toMatch(/hx-get="[^"]+before=\d+" hx-target="#audit-results" hx-swap="outerHTML" hx-push-url="true"/);
      }
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(expected);
  });

  it('answers the filter form from htmx with the results fragment only', async () => {
    const ids = await seed();
    const { res, html } = await page('/audit?outcome=denied', admin, true);
    expect(res.status).toBe(200);
    expect(res.headers.get('vary')).toContain('HX-Request');
    expect(html).not.toContain('<html');
    expect(html).toMatch(/^<section id="audit-results"/);
    expect(shownIds(html)).toEqual([ids.aliceDenied]);
    const full = await page('/audit', admin);
    // The fragment is the section itself: it replaces the section, never nests inside it.
    expect(full.html).toMatch(/<form[^>]+hx-get="\/audit" hx-target="#audit-results" hx-swap="outerHTML" hx-push-url="true"/);
  });

  it('escapes what records contain', async () => {
    await recordAuditEvent(db.db, {
      ...byUser(alice),
      action: 'container.create',
      targetKind: 'container',
      targetName: '<img src=x onerror=alert(1)>',
      message: 'Created <script>alert(1)</script>',
      detail: { note: '"><b>bold</b>' },
    });
    const { html } = await page('/audit', admin);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('the CSV export', () => {
  /** Many `container.start` records at once, inserted in bulk off the hash chain (exports do not check it). */
  async function insertStartsOffChain(count: number, actor: (i: number) => Person) {
    await db.db.insert(auditEvents).values(
      Array.from({ length: count }, (_, i) => ({
        ...byUser(actor(i)),
        action: 'container.start',
        outcome: 'success' as const,
        message: `start ${i}`,
        at: new Date(t0 + i),
        prevHash: '0'.repeat(64),
        hash: '0'.repeat(64),
      })),
    );
  }

  async function csv(path: string, who: Person) {
    const { request } = await createTestApp({ db });
    const res = await request(path, { cookie: who.cookie });
    const text = await res.text();
    const rows = res.ok ? (parse(text, { columns: true }) as Record<string, string>[]) : [];
    return { res, text, rows };
  }

  it('streams exactly the filtered set, every page of it, as an attachment', async () => {
    // 733 of alice's: two export batches.
    await insertStartsOffChain(1100, (i) => (i % 3 ? alice : bob));
    const { res, rows } = await csv('/audit.csv?user=alice&action=container.', admin);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="berth-audit-\d{8}T\d{6}Z\.csv"$/);
    expect(rows).toHaveLength(733);
    expect(new Set(rows.map((r) => r.actor))).toEqual(new Set(['alice']));
    const ids = rows.map((r) => Number(r.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    // The page's first page is the CSV's first 50 rows.
    const { request } = await createTestApp({ db });
    const html = await (await request('/audit?user=alice&action=container.', { cookie: admin.cookie })).text();
    expect(shownIds(html)).toEqual(ids.slice(0, 50));
  });

  it('has the audit_log column names, quotes correctly, and defuses spreadsheet formulas', async () => {
    await recordAuditEvent(db.db, {
      ...byUser(alice),
      at: new Date(t0),
      action: 'container.create',
      hostName: 'local',
      targetKind: 'container',
      targetName: '=HYPERLINK("http://evil.example","click")',
      targetId: '+cmd|calc',
      message: 'Line one, "quoted"\nline two',
      detail: { env: '@SUM(A1)' },
      clientIp: '-2+3',
      requestId: 'req-1',
    });
    const { text, rows } = await csv('/audit.csv?action=container.', admin);
    expect(text.split('\r\n')[0]).toBe(
      'id,at,actor,actor_type,action,outcome,host,target_kind,target_id,target_name,message,client_ip,request_id,detail',
    );
    expect(rows[0]).toMatchObject({
      at: '2026-03-10T12:00:00.000Z',
      actor: 'alice',
      actor_type: 'user',
      action: 'container.create',
      host: 'local',
      target_name: `'=HYPERLINK("http://evil.example","click")`,
      target_id: "'+cmd|calc",
      message: 'Line one, "quoted"\nline two',
      client_ip: "'-2+3",
      detail: '{"env":"@SUM(A1)"}',
    });
  });

  it('keeps a CR inside its cell and defuses formulas hidden behind blanks or control characters', async () => {
    for (const [targetName, message] of [
      ['\r=1+2', ' =SUM(A1)'],
      ['\t@x', '\u0001-3'],
    ] as const) {
      await recordAuditEvent(db.db, { action: 'container.rename', actorName: 'alice', targetName, message });
    }
    const { text, rows } = await csv('/audit.csv?action=container.rename', admin);
    expect(rows).toHaveLength(2);
    const cells = rows.flatMap((r: Record<string, string>) => [r.target_name, r.message]);
    expect(cells.sort()).toEqual(["'\t@x", "'\r=1+2", "' =SUM(A1)", "'\u0001-3"].sort());
    expect(text).toContain(`"'\r=1+2"`);
  });

  it('is itself audited, with the filters used', async () => {
    const { res } = await csv('/audit.csv?outcome=denied&action=container.', admin);
    expect(await auditRecordsOf(db.db, res)).toMatchObject([
      { action: 'audit.export', outcome: 'success', actorName: 'root_admin', detail: { filters: { outcome: 'denied', action: 'container.' } } },
    ]);
  });

  it("gives a user their own records only, and nothing of someone else's", async () => {
    const ids = await seed();
    const own = await csv('/audit.csv', alice);
    // The export's own record is written before the first row, so it is in the file.
    const [exported] = await auditRecordsOf(db.db, own.res);
    expect(own.rows.map((r) => Number(r.id))).toEqual([exported!.id, ids.underscore, ids.aliceDenied, ids.aliceStart]);
    const other = await csv('/audit.csv?user=bob', alice);
    expect(other.rows).toEqual([]);
    expect(other.text).toMatch(/^id,at,actor,/);
    expect(await auditRecordsOf(db.db, other.res)).toMatchObject([{ action: 'audit.export', outcome: 'denied', actorName: 'alice' }]);
  });

  it('ends the download broken, and logs why, when the database fails part-way', async () => {
    await insertStartsOffChain(700, () => alice);
    const account = await createRestrictedAccount(db);
    try {
      const { request, logger } = await createTestApp({ db: { ...db, db: account.db } });
      const res = await request('/audit.csv', { cookie: admin.cookie });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      expect(decoder.decode((await reader.read()).value)).toMatch(/^id,at,/);
      expect(decoder.decode((await reader.read()).value).split('\r\n').length).toBeGreaterThan(500); // the first batch
      // The stream reads the next batch only now, and the database refuses it.
      const owner = await mysql.createConnection({ uri: db.url });
      await owner.query('REVOKE SELECT ON ??.audit_events FROM ?@?', [db.name, account.user, account.host]);
      await owner.end();
      await expect(reader.read()).rejects.toThrow();
      expect(logger.lines.find((l) => l.message.includes('CSV export failed part-way'))?.detail?.error).toMatch(/SELECT command denied/i);
    } finally {
      await account.drop();
    }
  });

  it('refuses malformed filters before writing anything', async () => {
    const { res } = await csv('/audit.csv?from=soon', admin);
    expect(res.status).toBe(400);
    expect(await auditRecordsOf(db.db, res)).toEqual([]);
  });
});

describe('checking the chain from the page', () => {
  it('lets an admin check the hash chain, and records the check', async () => {
    await seed();
    const { request } = await createTestApp({ db });
    const res = await request('/audit/verify', { method: 'POST', cookie: admin.cookie, htmx: true });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('The audit chain is intact: 6 records');
    expect(await auditRecordsOf(db.db, res)).toMatchObject([{ action: 'audit.verify', outcome: 'success', detail: { count: 6 } }]);
    const page = await (await request('/audit', { cookie: admin.cookie })).text();
    expect(page).toContain('hx-post="/audit/verify"');
  });

  it('refuses it to a user, and records the refusal', async () => {
    const { request } = await createTestApp({ db });
    const res = await request('/audit/verify', { method: 'POST', cookie: alice.cookie });
    expect(res.status).toBe(403);
    expect(await auditRecordsOf(db.db, res)).toMatchObject([{ action: 'access.admin', outcome: 'denied', actorName: 'alice' }]);
    const page = await (await request('/audit', { cookie: alice.cookie })).text();
    expect(page).not.toContain('hx-post="/audit/verify"');
  });
});
