import type { PullFrame, PullLayer, PullState, PullSummary } from '../../agent/protocol/messages.ts';

/** A pull as the page shows it, built up from the agent's frames. */
export interface PullView {
  hostName: string;
  pullId: string;
  reference: string;
  state: PullState;
  message: string;
  imageId: string | null;
  layers: PullLayer[];
}

export function pullViewOf(hostName: string, pull: PullSummary): PullView {
  const { pullId, reference, state, message, imageId } = pull;
  return { hostName, pullId, reference, state, message, imageId, layers: [] };
}

/** Folds one frame into the view; layers keep the order Docker first named them in. */
export function applyPullFrame(view: PullView, frame: PullFrame): PullView {
  switch (frame.type) {
    case 'pull':
      return { ...pullViewOf(view.hostName, frame.pull), layers: view.layers };
    case 'layer': {
      const index = view.layers.findIndex((layer) => layer.id === frame.layer.id);
      const layers = index === -1 ? [...view.layers, frame.layer] : view.layers.with(index, frame.layer);
      return { ...view, layers };
    }
    case 'status':
      return { ...view, message: frame.message };
    case 'done':
      return { ...view, state: 'done', message: frame.message, imageId: frame.imageId };
    case 'error':
      return { ...view, state: 'error', message: frame.message };
  }
}
