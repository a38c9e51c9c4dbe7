import { describe, expect, it } from 'vitest';
import { applyPullFrame, pullViewOf, type PullView } from '../../functions/images/pull-view.ts';
import { formatBytes } from '../../views/format-bytes.ts';
import { layerFraction, overallPercent, PullPanel } from '../../views/images/pull-panel.tsx';

const summary = { pullId: '0b7c0a52-8d8e-4d4c-9a57-3f1f0c8f9d11', reference: 'team/app:1', actor: 'alice', startedAt: 0, state: 'running' as const, message: 'Starting', imageId: null };

describe('pull progress', () => {
  it('counts downloading as the first half of a layer and extracting as the second', () => {
    expect(layerFraction({ id: 'a', status: 'Waiting' })).toBe(0);
    expect(layerFraction({ id: 'a', status: 'Downloading', current: 50, total: 100 })).toBe(0.25);
    expect(layerFraction({ id: 'a', status: 'Download complete' })).toBe(0.5);
    expect(layerFraction({ id: 'a', status: 'Extracting', current: 100, total: 100 })).toBe(1);
    expect(layerFraction({ id: 'a', status: 'Already exists' })).toBe(1);
    expect(layerFraction({ id: 'a', status: 'Downloading', current: 500, total: 100 })).toBe(0.5);
  });

  it('folds frames into the view in first-seen layer order, and reaches 100 % only when done', () => {
    let view: PullView = pullViewOf('local', summary);
    view = applyPullFrame(view, { type: 'layer', layer: { id: 'a', status: 'Already exists' } });
    view = applyPullFrame(view, { type: 'layer', layer: { id: 'b', status: 'Downloading', current: 1, total: 2 } });
    view = applyPullFrame(view, { type: 'layer', layer: { id: 'a', status: 'Already exists' } });
    view = applyPullFrame(view, { type: 'status', message: 'Digest: sha256:…' });
    expect(view.layers.map((layer) => layer.id)).toEqual(['a', 'b']);
    expect(overallPercent(view)).toBe(62);
    expect(view.message).toBe('Digest: sha256:…');
    view = applyPullFrame(view, { type: 'done', imageId: `sha256:${'f'.repeat(64)}`, message: 'Status: Downloaded newer image for team/app:1' });
    expect(overallPercent(view)).toBe(100);
    expect(view).toMatchObject({ state: 'done', imageId: `sha256:${'f'.repeat(64)}` });
  });

  it('listens to its SSE stream only while the pull runs, and escapes what Docker says', async () => {
    const running = String(await (<PullPanel view={{ ...pullViewOf('local', summary), message: '<b>x</b>' }} />).toString());
    expect(running).toContain(`hx-sse:connect="/images/pulls/local/${summary.pullId}/events"`);
    expect(running).toContain('hx-sse:close="close"');
    expect(running).toContain('&lt;b&gt;x&lt;/b&gt;');
    const failed = String(await (<PullPanel view={{ ...pullViewOf('local', summary), state: 'error', message: 'manifest unknown' }} />).toString());
    expect(failed).not.toContain('hx-sse:connect');
    expect(failed).toContain('Pull failed: team/app:1');
  });

  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1_500_000, '1.50 MB'],
    [20_001_731, '20.0 MB'],
    [322_000_000, '322 MB'],
    [5e12, '5.00 TB'],
  ])('formats %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
